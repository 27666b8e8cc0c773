/**
 * Counts by category (act types, perpetrator types, states) as horizontal bars, which leave room
 * for long labels. A suppressed category gets no bar and a "< k" note instead of a value.
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';
import { t, type Lang } from '../../shared/i18n/index.js';
import { readCell, readK, readSize, readText, tableCell, type Cell, type CellInput } from './chart-cells.js';
import { joinSentences } from './chart-describe.js';
import { formatNumber } from './chart-format.js';
import {
  axisColor,
  background,
  fontFamily,
  gridLineColor,
  mutedTextColor,
  seriesColors,
  textColor,
} from './chart-palette.js';
import type { ChartTable, RenderedChart } from './chart-table.js';
import { renderSvg, type EChartsCoreOption } from './echarts-ssr.js';

export interface BarChartInput {
  lang: Lang;
  title: string;
  categories: { label: string; value: CellInput }[];
  /** 'desc' orders by value, largest first (suppressed and missing last); 'input' keeps the order given. */
  order?: 'desc' | 'input';
  k?: number;
  /** Header of the category column in the table (default "Category"). */
  categoryLabel?: string;
  /** Name of the measured quantity (default "Cases"). */
  valueLabel?: string;
  width?: number;
  /** Default: grows with the number of categories. */
  height?: number;
}

interface Checked {
  items: { label: string; cell: Cell }[];
  k: number;
}

function check(input: BarChartInput): Checked {
  const issues: FieldIssue[] = [];
  readText(input.title, ['title'], issues);
  const k = readK(input.k, issues);
  readSize(input.width, 'width', issues);
  readSize(input.height, 'height', issues);
  if (!Array.isArray(input.categories) || input.categories.length === 0) {
    issues.push({ path: ['categories'], key: 'charts:errors.no_categories' });
  }
  const items = (input.categories ?? []).map((c, i) => ({
    label: readText(c?.label, ['categories', i, 'label'], issues),
    cell: readCell(c?.value, ['categories', i, 'value'], issues),
  }));
  if (issues.length) throw new AppError('bad_input', { issues });
  if (input.order === 'desc') {
    // Stable sort: equal values keep their input order, so the output is deterministic.
    const rank = (c: Cell) => c.value ?? -1;
    items.sort((a, b) => rank(b.cell) - rank(a.cell));
  }
  return { items, k };
}

function describe(input: BarChartInput, c: Checked): string {
  const { lang } = input;
  const shown = c.items.filter((i) => i.cell.value !== null);
  const parts = [
    t(lang, 'charts:desc.bar_range', { title: input.title, n: formatNumber(lang, c.items.length) }),
  ];
  const hidden = c.items.filter((i) => i.cell.suppressed).length;
  const positive = shown.filter((i) => i.cell.value! > 0);
  // Hidden categories are below k but not zero: never the lowest shown as "the lowest", nor a total that omits them unsaid.
  if (positive.length === 0 && hidden > 0) {
    parts.push(t(lang, 'charts:desc.all_hidden', { count: formatNumber(lang, hidden), k: c.k }));
  } else if (shown.length === 0) {
    parts.push(t(lang, 'charts:desc.no_values'));
  } else {
    let hi = shown[0]!;
    let lo = shown[0]!;
    let total = 0;
    for (const i of shown) {
      if (i.cell.value! > hi.cell.value!) hi = i;
      if (i.cell.value! < lo.cell.value!) lo = i;
      total += i.cell.value!;
    }
    parts.push(
      hidden > 0
        ? t(lang, 'charts:desc.bar_top_hidden', { name: hi.label, value: formatNumber(lang, hi.cell.value!), count: formatNumber(lang, hidden), k: c.k })
        : t(lang, 'charts:desc.bar_top', {
            name: hi.label,
            value: formatNumber(lang, hi.cell.value!),
            lowName: lo.label,
            lowValue: formatNumber(lang, lo.cell.value!),
          }),
    );
    parts.push(
      hidden > 0
        ? t(lang, 'charts:desc.total_hidden', { total: formatNumber(lang, total), count: formatNumber(lang, hidden), k: c.k })
        : t(lang, 'charts:desc.total', { total: formatNumber(lang, total) }),
    );
  }
  return joinSentences(parts);
}

function table(input: BarChartInput, c: Checked): ChartTable {
  return {
    columns: [
      input.categoryLabel ?? t(input.lang, 'charts:category'),
      input.valueLabel ?? t(input.lang, 'charts:count'),
    ],
    rows: c.items.map((i) => [i.label, tableCell(input.lang, i.cell, c.k)]),
  };
}

function option(input: BarChartInput, c: Checked): EChartsCoreOption {
  const { lang } = input;
  const suppressedNote = t(lang, 'charts:suppressed_cell', { k: c.k });
  const allIntegers = c.items.every((i) => i.cell.value === null || Number.isInteger(i.cell.value));
  const markPoints = c.items.flatMap((i, j) =>
    i.cell.suppressed
      ? [
          {
            coord: [0, j],
            symbol: 'rect',
            symbolSize: [1, 14],
            itemStyle: { color: mutedTextColor },
            label: { show: true, position: 'right', color: mutedTextColor, formatter: suppressedNote },
          },
        ]
      : [],
  );
  return {
    backgroundColor: background,
    textStyle: { fontFamily, color: textColor },
    title: {
      text: input.title,
      left: 12,
      top: 10,
      textStyle: { fontSize: 16, fontWeight: 'bold', color: textColor },
    },
    // Labels are measured by ECharts' estimate, not by the reader's font: keep a margin for wider fonts.
    grid: { left: 44, right: 64, top: 56, bottom: 32, outerBoundsMode: 'same' },
    xAxis: {
      type: 'value',
      minInterval: allIntegers ? 1 : 0,
      axisLabel: { color: mutedTextColor, formatter: (v: number) => formatNumber(lang, v) },
      splitLine: { lineStyle: { color: gridLineColor } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: c.items.map((i) => i.label),
      axisLine: { lineStyle: { color: axisColor } },
      axisTick: { show: false },
      axisLabel: { color: textColor, width: 180, overflow: 'break', interval: 0 },
    },
    series: [
      {
        type: 'bar',
        name: input.valueLabel ?? t(lang, 'charts:count'),
        data: c.items.map((i) => i.cell.value),
        itemStyle: { color: seriesColors[0] },
        barMaxWidth: 24,
        silent: true,
        label: {
          show: true,
          position: 'right',
          color: textColor,
          formatter: (p: { value: number | null }) => (p.value === null ? '' : formatNumber(lang, p.value)),
        },
        markPoint: markPoints.length ? { silent: true, data: markPoints } : undefined,
      },
    ],
  };
}

export function renderBarChart(input: BarChartInput): RenderedChart {
  const c = check(input);
  const description = describe(input, c);
  const svg = renderSvg(option(input, c), {
    width: input.width ?? 640,
    height: input.height ?? Math.max(160, 96 + 30 * c.items.length),
    title: input.title,
    description,
  });
  return { svg, title: input.title, description, table: table(input, c) };
}
