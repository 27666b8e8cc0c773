/**
 * Choropleth maps: Venezuela by state (ISO 3166-2) or the world by country (ISO 3166-1 alpha-2).
 * Classes by quantiles in a single-hue ramp, a legend, and a `<title>` on every region with its
 * name and count. Suppressed regions are grey and hatched, labelled "fewer than k", never zero.
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';
import { t, type Lang } from '../../shared/i18n/index.js';
import {
  readCell,
  readK,
  readSize,
  readText,
  tableCell,
  type Cell,
  type CellInput,
} from '../charts/chart-cells.js';
import { joinSentences, suppressedSentence } from '../charts/chart-describe.js';
import { formatNumber } from '../charts/chart-format.js';
import {
  background,
  fontFamily,
  noDataFill,
  regionBorderColor,
  sequentialColors,
  suppressedFill,
  suppressedHatch,
  textColor,
} from '../charts/chart-palette.js';
import type { ChartTable, RenderedChart } from '../charts/chart-table.js';
import { ensureMap, renderSvg, type EChartsCoreOption } from '../charts/echarts-ssr.js';
import { classBreaks, classOf, type ValueClass } from './map-classes.js';
import { isAcceptedCode, isDrawn, isMapId, loadMap, regionName, type MapId } from './map-data.js';

export interface ChoroplethInput {
  lang: Lang;
  title: string;
  map: MapId;
  /** One entry per region with data; regions left out are drawn as "no data". */
  values: { code: string; value: CellInput }[];
  k?: number;
  valueLabel?: string;
  /** At most this many colour classes (1 to 5, default 5). */
  classes?: number;
  width?: number;
  height?: number;
}

interface Checked {
  map: MapId;
  k: number;
  entries: { code: string; name: string; cell: Cell }[];
  byCode: Map<string, Cell>;
}

// Sentinel data values: ECharts only sees class indices, never the counts, so the legend and the
// fill always agree with classOf().
const SUPPRESSED = -1;
const NO_DATA = -2;

const hatch = {
  symbol: 'rect',
  symbolSize: 1,
  dashArrayX: [1, 0],
  dashArrayY: [2, 3],
  rotation: Math.PI / 4,
  color: suppressedHatch,
};

function check(input: ChoroplethInput): Checked {
  const issues: FieldIssue[] = [];
  readText(input.title, ['title'], issues);
  if (!isMapId(input.map)) {
    issues.push({ path: ['map'], key: 'charts:errors.bad_map', values: { value: String(input.map) } });
    throw new AppError('bad_input', { issues });
  }
  const k = readK(input.k, issues);
  readSize(input.width, 'width', issues);
  readSize(input.height, 'height', issues);
  const byCode = new Map<string, Cell>();
  const entries: Checked['entries'] = [];
  (Array.isArray(input.values) ? input.values : []).forEach((v, i) => {
    const code = typeof v?.code === 'string' ? v.code.trim().toUpperCase() : '';
    if (!isAcceptedCode(input.map, code)) {
      issues.push({
        path: ['values', i, 'code'],
        key: 'charts:errors.unknown_region',
        values: { value: String(v?.code) },
      });
      return;
    }
    if (byCode.has(code)) {
      issues.push({
        path: ['values', i, 'code'],
        key: 'charts:errors.duplicate_region',
        values: { value: code },
      });
      return;
    }
    const cell = readCell(v.value, ['values', i, 'value'], issues);
    byCode.set(code, cell);
    entries.push({ code, name: regionName(input.map, code, input.lang), cell });
  });
  if (
    input.classes !== undefined &&
    !(Number.isInteger(input.classes) && input.classes >= 1 && input.classes <= 5)
  ) {
    issues.push({ path: ['classes'], key: 'charts:errors.bad_k', values: { value: String(input.classes) } });
  }
  if (issues.length) throw new AppError('bad_input', { issues });
  return { map: input.map, k, entries, byCode };
}

function classLabel(lang: Lang, c: ValueClass, i: number, classes: readonly ValueClass[]): string {
  const integers = classes.every((x) => Number.isInteger(x.min) && Number.isInteger(x.max));
  const lo = integers || i === 0 ? c.min : classes[i - 1]!.max;
  if (c.min === c.max) return formatNumber(lang, c.min);
  return `${formatNumber(lang, lo)} – ${formatNumber(lang, c.max)}`;
}

function regionTitle(lang: Lang, name: string, cell: Cell | undefined, k: number): string {
  if (cell?.suppressed) return t(lang, 'charts:region_title_suppressed', { name, k });
  if (!cell || cell.value === null) return t(lang, 'charts:region_title_no_data', { name });
  return t(lang, 'charts:region_title', { name, value: formatNumber(lang, cell.value) });
}

function describe(input: ChoroplethInput, c: Checked): string {
  const { lang } = input;
  const shown = c.entries.filter((e) => e.cell.value !== null);
  const total = loadMap(c.map).features.length;
  const parts = [
    t(lang, 'charts:desc.map_range', {
      title: input.title,
      area: t(lang, `charts:desc.area_${c.map}`),
      n: formatNumber(lang, shown.length),
    }),
  ];
  if (shown.length === 0) {
    parts.push(t(lang, 'charts:desc.no_values'));
  } else {
    const top = shown.reduce((a, b) => (b.cell.value! > a.cell.value! ? b : a));
    parts.push(
      t(lang, 'charts:desc.map_top', { name: top.name, value: formatNumber(lang, top.cell.value!) }),
    );
    parts.push(
      t(lang, 'charts:desc.total', {
        total: formatNumber(
          lang,
          shown.reduce((s, e) => s + e.cell.value!, 0),
        ),
      }),
    );
  }
  parts.push(suppressedSentence(lang, c.entries.filter((e) => e.cell.suppressed).length, c.k));
  const undrawn = c.entries.filter((e) => !isDrawn(c.map, e.code));
  if (undrawn.length > 0) {
    parts.push(
      t(lang, 'charts:desc.map_not_drawn', {
        list: undrawn.map((e) => regionTitle(lang, e.name, e.cell, c.k)).join('; '),
      }),
    );
  }
  // The world map has ~170 countries and most will have no data; saying so would be noise.
  if (c.map === 've') {
    const missing = total - c.entries.filter((e) => e.cell.value !== null || e.cell.suppressed).length;
    if (missing > 0) parts.push(t(lang, 'charts:desc.map_no_data', { count: formatNumber(lang, missing) }));
  }
  return joinSentences(parts);
}

function table(input: ChoroplethInput, c: Checked): ChartTable {
  const { lang } = input;
  return {
    columns: [t(lang, 'charts:code'), t(lang, 'charts:region'), input.valueLabel ?? t(lang, 'charts:count')],
    rows: c.entries.map((e) => [e.code, e.name, tableCell(lang, e.cell, c.k)]),
  };
}

function render(
  input: ChoroplethInput,
  c: Checked,
): { option: EChartsCoreOption; titles: string[]; pieceFills: string[] } {
  const { lang } = input;
  const geo = loadMap(c.map);
  ensureMap(`atalaya-${c.map}`, () => geo as never);
  const shownValues = c.entries.flatMap((e) => (e.cell.value === null ? [] : [e.cell.value]));
  const classes = classBreaks(shownValues, input.classes ?? sequentialColors.length);
  // Spread the classes over the ramp so that two classes are light and dark, not two light blues.
  const colorOf = (i: number) =>
    sequentialColors[
      classes.length === 1
        ? sequentialColors.length - 1
        : Math.round((i * (sequentialColors.length - 1)) / (classes.length - 1))
    ]!;
  const titles: string[] = [];
  const data = geo.features.map((f) => {
    const cell = c.byCode.get(f.id);
    titles.push(regionTitle(lang, regionName(c.map, f.id, lang), cell, c.k));
    if (cell?.suppressed) return { name: f.id, value: SUPPRESSED, itemStyle: { decal: hatch } };
    if (!cell || cell.value === null) return { name: f.id, value: NO_DATA };
    return { name: f.id, value: classOf(classes, cell.value) };
  });
  const pieces = [
    ...classes
      .map((cl, i) => ({ value: i, label: classLabel(lang, cl, i, classes), color: colorOf(i) }))
      .reverse(),
    ...(c.entries.some((e) => e.cell.suppressed)
      ? [{ value: SUPPRESSED, label: t(lang, 'charts:legend_suppressed', { k: c.k }), color: suppressedFill }]
      : []),
    { value: NO_DATA, label: t(lang, 'charts:legend_no_data'), color: noDataFill },
  ];
  const world = c.map === 'world';
  const option: EChartsCoreOption = {
    backgroundColor: background,
    textStyle: { fontFamily, color: textColor },
    title: {
      text: input.title,
      left: 12,
      top: 10,
      textStyle: { fontSize: 16, fontWeight: 'bold', color: textColor },
    },
    visualMap: {
      type: 'piecewise',
      seriesIndex: 0,
      pieces,
      left: 12,
      bottom: 12,
      itemWidth: 18,
      itemHeight: 12,
      itemSymbol: 'rect',
      selectedMode: false,
      hoverLink: false,
      text: [input.valueLabel ?? t(lang, 'charts:count')],
      textGap: 6,
      showLabel: true,
      textStyle: { color: textColor },
    },
    series: [
      {
        type: 'map',
        map: `atalaya-${c.map}`,
        nameProperty: 'code',
        roam: false,
        silent: true,
        // Equirectangular; Venezuela is near the equator (cos 7° ≈ 0.99), the world is plate carrée.
        aspectScale: world ? 1 : 0.99,
        ...(world
          ? { left: 8, right: 8, top: 48, bottom: 8 }
          : { left: 150, right: 16, top: 48, bottom: 16 }),
        label: { show: false },
        itemStyle: { borderColor: regionBorderColor, borderWidth: world ? 0.3 : 0.6, areaColor: noDataFill },
        emphasis: { disabled: true },
        select: { disabled: true },
        data,
      },
    ],
  };
  return { option, titles, pieceFills: pieces.map((p) => p.color) };
}

export function renderChoroplethMap(input: ChoroplethInput): RenderedChart {
  const c = check(input);
  const description = describe(input, c);
  const { option, titles, pieceFills } = render(input, c);
  const world = c.map === 'world';
  const svg = renderSvg(option, {
    width: input.width ?? (world ? 960 : 720),
    height: input.height ?? (world ? 500 : 560),
    title: input.title,
    description,
    itemTitles: titles,
    swatches: { fills: pieceFills, stroke: regionBorderColor, hatchFill: suppressedFill },
  });
  return { svg, title: input.title, description, table: table(input, c) };
}
