import { stringify } from 'csv-stringify/sync';

/** A cell of the data table behind a chart: a number, or text such as "< 5" for a suppressed cell. */
export type TableCell = string | number;

export interface ChartTable {
  columns: string[];
  rows: TableCell[][];
}

/** What every chart and map returns: the drawing, its accessible texts and the data behind it. */
export interface RenderedChart {
  svg: string;
  title: string;
  description: string;
  table: ChartTable;
}

// A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection");
// tab and carriage return are included because some programs strip them before that check.
const formulaStart = /^[=+\-@\t\r]/;

/** Prefixes a quote to text that a spreadsheet would run as a formula; numbers are left as they are. */
export function neutraliseCell(cell: TableCell): TableCell {
  return typeof cell === 'string' && formulaStart.test(cell) ? `'${cell}` : cell;
}

export interface CsvOptions {
  /** ";" suits spreadsheets set to Spanish, where "," is the decimal separator. Default ",". */
  delimiter?: ',' | ';';
  /** Start with a UTF-8 byte order mark, so that Excel reads accents right. Default false. */
  bom?: boolean;
}

/** The table as CSV (header row first, CRLF line ends as RFC 4180), safe to open in a spreadsheet. */
export function toCsv(table: ChartTable, opts: CsvOptions = {}): string {
  return stringify([table.columns.map(neutraliseCell), ...table.rows.map((r) => r.map(neutraliseCell))], {
    record_delimiter: '\r\n',
    delimiter: opts.delimiter ?? ',',
    bom: opts.bom ?? false,
  });
}
