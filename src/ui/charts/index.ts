/**
 * Server-side charts (Apache ECharts SVG): pure functions from plain data to
 * `{ svg, title, description, table }`, plus CSV for the table. No database, no HTTP.
 */
export { renderTimeSeriesChart, type TimeSeriesInput } from './time-series.chart.js';
export { renderBarChart, type BarChartInput } from './bar.chart.js';
export {
  toCsv,
  neutraliseCell,
  type ChartTable,
  type CsvOptions,
  type RenderedChart,
  type TableCell,
} from './chart-table.js';
export { defaultK, type CellInput } from './chart-cells.js';
export type { Granularity } from './chart-format.js';
export { svgSafetyProblems } from './svg-safety.js';
