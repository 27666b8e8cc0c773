/**
 * Counts per week, month or year as a line or bar chart, one or more series (e.g. by act type),
 * with an optional change point (a vertical line at the first period of the new regime) and the
 * rates before and after it (shaded segments with a level line each).
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';
import { t, type Lang } from '../../shared/i18n/index.js';
import { readCell, readK, readSize, readText, tableCell, type Cell, type CellInput } from './chart-cells.js';
import { joinSentences, relativeTrend, suppressedSentence, trendSentence } from './chart-describe.js';
import { formatNumber, formatPeriod, parsePeriods, type Granularity, type Period } from './chart-format.js';
import {
  afterShade,
  axisColor,
  background,
  beforeShade,
  fontFamily,
  gridLineColor,
  mutedTextColor,
  seriesColors,
  seriesDashes,
  seriesSymbols,
  textColor,
} from './chart-palette.js';
import type { ChartTable, RenderedChart } from './chart-table.js';
import { renderSvg, type EChartsCoreOption } from './echarts-ssr.js';

export interface TimeSeriesInput {
  lang: Lang;
  title: string;
  granularity: Granularity;
  /** ISO keys in ascending order: "2020" (year), "2020-11" (month), "2020-W45" (ISO week). */
  periods: string[];
  /** Each series has one value per period. */
  series: { name: string; values: CellInput[] }[];
  kind?: 'line' | 'bar';
  /** The first period of the new regime, and optionally the rates (per period) on each side. */
  changePoint?: { period: string; before?: number; after?: number };
  /** Minimum cell size that disclosure control applied; shown as "< k". Default 5. */
  k?: number;
  /** Name of the measured quantity, for the value axis and the table (default "Count"). */
  valueLabel?: string;
  width?: number;
  height?: number;
}

interface Checked {
  labels: string[];
  keys: string[];
  series: { name: string; cells: Cell[] }[];
  changeIndex: number | null;
  k: number;
}

function check(input: TimeSeriesInput): Checked {
  const issues: FieldIssue[] = [];
  readText(input.title, ['title'], issues);
  if (!['week', 'month', 'year'].includes(input.granularity)) {
    issues.push({
      path: ['granularity'],
      key: 'charts:errors.bad_granularity',
      values: { value: String(input.granularity) },
    });
    throw new AppError('bad_input', { issues });
  }
  const keys = Array.isArray(input.periods) ? input.periods : [];
  let periods: Period[] = [];
  try {
    periods = parsePeriods(keys, input.granularity);
  } catch (e) {
    // Keep going, so that one error lists every problem of the input.
    if (!(e instanceof AppError)) throw e;
    issues.push(...e.issues);
  }
  if (keys.length === 0) issues.push({ path: ['periods'], key: 'charts:errors.no_periods' });
  const k = readK(input.k, issues);
  readSize(input.width, 'width', issues);
  readSize(input.height, 'height', issues);
  if (!Array.isArray(input.series) || input.series.length === 0) {
    issues.push({ path: ['series'], key: 'charts:errors.no_series' });
  }
  const series = (input.series ?? []).map((s, i) => {
    const name = readText(s.name, ['series', i, 'name'], issues);
    const values = Array.isArray(s.values) ? s.values : [];
    if (values.length !== keys.length) {
      issues.push({
        path: ['series', i, 'values'],
        key: 'charts:errors.length_mismatch',
        values: { got: values.length, expected: keys.length },
      });
    }
    return { name, cells: values.map((v, j) => readCell(v, ['series', i, 'values', j], issues)) };
  });
  let changeIndex: number | null = null;
  if (input.changePoint) {
    changeIndex = keys.indexOf(input.changePoint.period);
    if (changeIndex < 0) {
      issues.push({
        path: ['changePoint', 'period'],
        key: 'charts:errors.unknown_period',
        values: { value: String(input.changePoint.period) },
      });
    }
    for (const side of ['before', 'after'] as const) {
      const r = input.changePoint[side];
      if (r !== undefined && !(typeof r === 'number' && Number.isFinite(r) && r >= 0)) {
        issues.push({
          path: ['changePoint', side],
          key: 'charts:errors.bad_value',
          values: { value: String(r) },
        });
      }
    }
  }
  if (issues.length) throw new AppError('bad_input', { issues });
  return {
    labels: periods.map((p) => formatPeriod(input.lang, p, input.granularity)),
    keys: periods.map((p) => p.key),
    series,
    changeIndex,
    k,
  };
}

function describe(input: TimeSeriesInput, c: Checked): string {
  const { lang } = input;
  const n = c.labels.length;
  const parts: string[] = [
    t(lang, `charts:desc.series_range_${input.granularity}`, {
      title: input.title,
      start: c.labels[0] ?? '',
      end: c.labels[n - 1] ?? '',
      n: formatNumber(lang, n),
    }),
  ];
  if (c.series.length > 1) {
    parts.push(t(lang, 'charts:desc.series_names', { names: c.series.map((s) => s.name).join(', ') }));
  }
  let total = 0;
  let max: { value: number; period: number; series: number } | null = null;
  let suppressed = 0;
  const points: { x: number; y: number }[] = [];
  for (let j = 0; j < n; j++) {
    let sum = 0;
    let known = false;
    c.series.forEach((s, i) => {
      const cell = s.cells[j]!;
      if (cell.suppressed) suppressed++;
      if (cell.value === null) return;
      known = true;
      sum += cell.value;
      if (!max || cell.value > max.value) max = { value: cell.value, period: j, series: i };
    });
    total += sum;
    if (known) points.push({ x: j, y: sum });
  }
  // A hidden cell is below k but above zero: it is never told as zero, as a maximum or as part of a total.
  const m = max as { value: number; period: number; series: number } | null;
  if (m === null && suppressed === 0) {
    parts.push(t(lang, 'charts:desc.no_values'));
  } else if (m === null || (m.value === 0 && suppressed > 0)) {
    parts.push(t(lang, 'charts:desc.all_hidden', { count: formatNumber(lang, suppressed), k: c.k }));
  } else {
    parts.push(
      suppressed > 0
        ? t(lang, 'charts:desc.total_hidden', { total: formatNumber(lang, total), count: formatNumber(lang, suppressed), k: c.k })
        : t(lang, 'charts:desc.total', { total: formatNumber(lang, total) }),
    );
    if (m.value > 0) {
      parts.push(
        c.series.length > 1
          ? t(lang, 'charts:desc.max_series', {
              max: formatNumber(lang, m.value),
              period: c.labels[m.period],
              series: c.series[m.series]!.name,
            })
          : t(lang, 'charts:desc.max', { max: formatNumber(lang, m.value), period: c.labels[m.period] }),
      );
    }
    parts.push(trendSentence(lang, relativeTrend(points)));
  }
  if (c.changeIndex !== null) {
    const cp = input.changePoint!;
    const period = c.labels[c.changeIndex]!;
    parts.push(
      cp.before !== undefined && cp.after !== undefined
        ? t(lang, 'charts:desc.change_rates', {
            period,
            before: formatNumber(lang, cp.before),
            after: formatNumber(lang, cp.after),
            unit: t(lang, `charts:unit.${input.granularity}`),
          })
        : t(lang, 'charts:desc.change', { period }),
    );
  }
  if (m !== null && !(m.value === 0 && suppressed > 0)) parts.push(suppressedSentence(lang, suppressed, c.k));
  return joinSentences(parts);
}

function table(input: TimeSeriesInput, c: Checked): ChartTable {
  return {
    columns: [t(input.lang, 'charts:period'), ...c.series.map((s) => s.name)],
    rows: c.keys.map((key, j) => [key, ...c.series.map((s) => tableCell(input.lang, s.cells[j]!, c.k))]),
  };
}

/**
 * How many rows the legend will wrap to, estimated the way ECharts lays it out (icon, gap, text at
 * about 7 px a character), so the plot leaves room for it instead of running under it.
 */
function legendRows(series: readonly { name: string }[], width: number): number {
  const available = width - 40;
  let rows = 1;
  let x = 0;
  for (const s of series) {
    const w = 28 + 5 + s.name.length * 7 + 10;
    if (x > 0 && x + w > available) {
      rows++;
      x = 0;
    }
    x += w;
  }
  return rows;
}

function option(input: TimeSeriesInput, c: Checked, width: number): EChartsCoreOption {
  const { lang } = input;
  const kind = input.kind ?? 'line';
  const n = c.labels.length;
  const allIntegers = c.series.every((s) =>
    s.cells.every((x) => x.value === null || Number.isInteger(x.value)),
  );
  const multi = c.series.length > 1;

  const markAreas: unknown[] = [];
  const markLines: unknown[] = [];
  // A suppressed period is a gap with a "< k" note at its foot, so it is never read as zero.
  const markPoints: unknown[] = [];
  c.labels.forEach((_, j) => {
    if (!c.series.some((s) => s.cells[j]!.suppressed)) return;
    markPoints.push({
      coord: [j, 0],
      symbol: 'rect',
      symbolSize: [1, 10],
      itemStyle: { color: mutedTextColor },
      // With many periods the notes would overlap: the tick stays, the table and the description say it.
      label: {
        show: n <= 60,
        position: 'top',
        distance: 2,
        color: mutedTextColor,
        fontSize: 12,
        formatter: t(lang, 'charts:suppressed_cell', { k: c.k }),
      },
    });
  });
  // The change marks live on a hidden value axis over the same grid, where a bar chart's period j
  // spans j − 0.5 to j + 0.5: the change line then falls between two bars, not through one.
  const changeMarks: Record<string, unknown>[] = [];
  if (c.changeIndex !== null) {
    const cp = input.changePoint!;
    const i = c.changeIndex;
    const half = kind === 'bar' ? 0.5 : 0;
    const start = -half;
    const end = n - 1 + half;
    const at = i - half;
    const unit = t(lang, `charts:unit.${input.granularity}`);
    const rateLabel = (key: string, rate: number | undefined) =>
      rate === undefined ? '' : t(lang, key, { rate: formatNumber(lang, rate), unit });
    if (at > start) {
      markAreas.push([
        {
          xAxis: start,
          itemStyle: { color: beforeShade },
          label: {
            show: true,
            position: 'insideTopLeft',
            color: textColor,
            formatter: rateLabel('charts:rate_before', cp.before),
          },
        },
        { xAxis: at },
      ]);
    }
    markAreas.push([
      {
        xAxis: at,
        itemStyle: { color: afterShade },
        label: {
          show: true,
          position: 'insideTopRight',
          color: textColor,
          formatter: rateLabel('charts:rate_after', cp.after),
        },
      },
      { xAxis: end },
    ]);
    markLines.push({
      xAxis: at,
      lineStyle: { color: textColor, type: 'dashed', width: 1.5 },
      label: {
        show: true,
        position: 'end',
        color: textColor,
        formatter: t(lang, 'charts:change_at', { period: c.labels[i] }),
      },
    });
    const level = (from: number, to: number, rate: number | undefined) => {
      if (rate === undefined || from >= to) return;
      markLines.push([
        {
          coord: [from, rate],
          lineStyle: { color: textColor, type: 'solid', width: 2 },
          label: { show: false },
        },
        { coord: [to, rate] },
      ]);
    };
    level(start, at, cp.before);
    level(at, end, cp.after);
    changeMarks.push({
      type: 'line',
      xAxisIndex: 1,
      data: [],
      silent: true,
      markArea: { silent: true, data: markAreas.splice(0) },
      markLine: { silent: true, symbol: 'none', animation: false, data: markLines.splice(0) },
    });
  }

  const series = c.series.map((s, i) => {
    const color = seriesColors[i % seriesColors.length];
    const base = {
      type: kind,
      name: s.name,
      data: s.cells.map((x) => x.value),
      itemStyle: { color },
      silent: true,
    };
    const extra =
      kind === 'line'
        ? {
            connectNulls: false,
            symbol: seriesSymbols[i % seriesSymbols.length],
            symbolSize: 6,
            showSymbol: n <= 60,
            lineStyle: {
              color,
              width: 2,
              type: seriesDashes[Math.floor(i / seriesColors.length) % seriesDashes.length],
            },
          }
        : { barMaxWidth: 28 };
    if (i !== 0) return { ...base, ...extra };
    return {
      ...base,
      ...extra,
      markPoint: markPoints.length ? { silent: true, data: markPoints } : undefined,
    };
  });

  return {
    backgroundColor: background,
    textStyle: { fontFamily, color: textColor },
    title: {
      text: input.title,
      left: 12,
      top: 10,
      textStyle: { fontSize: 16, fontWeight: 'bold', color: textColor },
    },
    legend: multi
      ? {
          bottom: 6,
          left: 'center',
          textStyle: { color: textColor },
          itemWidth: 28,
          data: c.series.map((s) => s.name),
        }
      : undefined,
    grid: { left: 48, right: 32, top: 72, bottom: multi ? 40 + 24 * legendRows(c.series, width) : 32 },
    xAxis: [
      {
        type: 'category',
        data: c.labels,
        boundaryGap: kind === 'bar',
        axisLine: { lineStyle: { color: axisColor } },
        axisTick: { lineStyle: { color: axisColor }, alignWithLabel: true },
        axisLabel: { color: mutedTextColor, hideOverlap: true },
      },
      {
        type: 'value',
        show: false,
        min: kind === 'bar' ? -0.5 : 0,
        max: kind === 'bar' ? n - 0.5 : Math.max(1, n - 1),
      },
    ],
    yAxis: {
      type: 'value',
      name: input.valueLabel ?? t(lang, 'charts:count'),
      nameTextStyle: { color: mutedTextColor, align: 'left' },
      minInterval: allIntegers ? 1 : 0,
      axisLabel: { color: mutedTextColor, formatter: (v: number) => formatNumber(lang, v) },
      splitLine: { lineStyle: { color: gridLineColor } },
    },
    series: [...series, ...changeMarks],
  };
}

export function renderTimeSeriesChart(input: TimeSeriesInput): RenderedChart {
  const c = check(input);
  const description = describe(input, c);
  const width = input.width ?? 720;
  const svg = renderSvg(option(input, c, width), {
    width,
    height: input.height ?? 360,
    title: input.title,
    description,
  });
  return { svg, title: input.title, description, table: table(input, c) };
}
