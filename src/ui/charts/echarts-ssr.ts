/**
 * The one place that drives Apache ECharts: server-side SVG rendering (no DOM), followed by the
 * clean-up that makes the SVG fit for a page and a download — accessible name and description,
 * stable ids, no interactive leftovers.
 */
import { createHash } from 'node:crypto';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  VisualMapPiecewiseComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  VisualMapPiecewiseComponent,
  SVGRenderer,
]);

export type { EChartsCoreOption };

/** Escapes text for an XML text node or a quoted attribute. */
export function escapeXml(s: string): string {
  return stripInvalidXml(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const registeredMaps = new Set<string>();

/** Registers a GeoJSON map once per process (ECharts keeps maps in a global registry). */
export function ensureMap(name: string, load: () => Parameters<typeof echarts.registerMap>[1]): void {
  if (registeredMaps.has(name)) return;
  echarts.registerMap(name, load());
  registeredMaps.add(name);
}

export interface SvgOptions {
  width: number;
  height: number;
  title: string;
  description: string;
  /** Prefix for ids inside the SVG; by default a hash of the option, so equal input gives equal output. */
  idPrefix?: string;
  /** A `<title>` for each data item of series 0 (by data index): names and counts of map regions. */
  itemTitles?: readonly string[];
  /**
   * Legend swatches of a map (paths that are not data items, filled with one of `fills`) get an
   * outline, so that light classes show on white; the one filled with `hatchFill` also gets the
   * first hatching pattern laid over it, as the suppressed regions have.
   */
  swatches?: { fills: readonly string[]; stroke: string; hatchFill?: string };
}

/** Renders an ECharts option to a finished, self-contained, accessible SVG string. */
export function renderSvg(option: EChartsCoreOption, opts: SvgOptions): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: opts.width,
    height: opts.height,
  });
  let raw: string;
  try {
    chart.setOption({ ...option, animation: false });
    raw = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const prefix =
    opts.idPrefix ??
    'c' +
      createHash('sha256')
        .update(
          JSON.stringify([
            option,
            opts.width,
            opts.height,
            opts.title,
            opts.description,
            opts.itemTitles ?? [],
          ]),
        )
        .digest('hex')
        .slice(0, 10);
  return finishSvg(raw, prefix, opts);
}

/**
 * Characters XML 1.0 forbids (most C0 controls, U+FFFE/U+FFFF, unpaired surrogates): one of them in
 * a label would make the whole SVG unreadable, so they are dropped from the drawing (the data table
 * keeps the text as given).
 */
const invalidXmlChars =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXml(s: string): string {
  return s.replace(invalidXmlChars, '');
}

/**
 * ECharts writes text styles as `style="font-size:12px;…"`. A page whose Content-Security-Policy
 * has no 'unsafe-inline' for styles ignores style attributes of inline SVG, so they become SVG
 * presentation attributes, which no policy blocks.
 */
function styleToAttributes(css: string): string {
  let out = '';
  for (const decl of css.split(';')) {
    const i = decl.indexOf(':');
    if (i < 0) continue;
    const prop = decl.slice(0, i).trim().toLowerCase();
    const value = decl.slice(i + 1).trim();
    if (/^[a-z-]+$/.test(prop) && value) out += ` ${prop}="${value}"`;
  }
  return out;
}

function finishSvg(raw: string, prefix: string, opts: SvgOptions): string {
  // The style block only holds hover rules for the interactive chart; a static image needs none.
  let svg = stripInvalidXml(raw).replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '');
  const titles = opts.itemTitles;
  const hasPattern = /\bid="zr\d+-p0"/.test(svg);
  // Rewrite tags only, never text, so that a label the user typed cannot be touched.
  svg = svg.replace(/<([a-zA-Z]+)\b([^>]*)>(<\/\1>)?/g, (_m, name: string, attrs: string, close?: string) => {
    let title = '';
    if (titles) {
      const series = /\becmeta_series_index="(\d+)"/.exec(attrs)?.[1];
      const index = /\becmeta_data_index="(\d+)"/.exec(attrs)?.[1];
      const isChart = /\becmeta_ssr_type="chart"/.test(attrs);
      const text = series === '0' && isChart && index !== undefined ? titles[Number(index)] : undefined;
      if (text !== undefined) title = `<title>${escapeXml(text)}</title>`;
    }
    let cleaned = attrs
      .replace(/\s(?:ecmeta_[a-z_]+|class|pointer-events)="[^"]*"/g, '')
      .replace(/\sstyle="([^"]*)"/g, (_s, css: string) => styleToAttributes(css))
      .replace(/\bzr\d+-/g, `${prefix}-`)
      .replace(/\s+$/, '');
    // A hatching (decal) is drawn as a copy of the shape on top of it: let the pointer through, so
    // that hovering shows the title of the shape underneath.
    if (/\sfill="url\(#[^"]*-p\d+\)"/.test(cleaned)) cleaned += ' pointer-events="none"';
    let hatchedCopy = '';
    const sw = opts.swatches;
    const fill = /\sfill="([^"]*)"/.exec(cleaned)?.[1];
    if (sw && name === 'path' && close && fill && !/\becmeta_/.test(attrs) && sw.fills.includes(fill)) {
      cleaned += ` stroke="${sw.stroke}" stroke-width="0.5"`;
      if (fill === sw.hatchFill && hasPattern) {
        hatchedCopy = `<path${cleaned.replace(` fill="${fill}"`, ` fill="url(#${prefix}-p0)"`)} pointer-events="none"></path>`;
      }
    }
    if (close) return `<${name}${cleaned}>${title}${close}${hatchedCopy}`;
    return `<${name}${cleaned}>${title}`;
  });
  const titleId = `${prefix}-title`;
  const descId = `${prefix}-desc`;
  svg = svg.replace(
    /^<svg\b([^>]*)>/,
    (_m, attrs: string) =>
      `<svg${attrs} role="img" aria-labelledby="${titleId} ${descId}">` +
      `<title id="${titleId}">${escapeXml(opts.title)}</title><desc id="${descId}">${escapeXml(opts.description)}</desc>`,
  );
  return svg.replace(/\n+/g, '\n').trim() + '\n';
}
