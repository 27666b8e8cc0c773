/**
 * The pass over a file's date columns that settles each column's day/month order (date-order)
 * before any row is mapped, so that every row of a column is read in the same order.
 */
import { AppError, type FieldIssue } from '../shared/errors.js';
import { decideOrder, examplesText, formatsNeedOrder, isBlocking, newTally, tallyValue, type DateColumnDecision } from './date-order.js';
import type { ImportProfile } from './import-profile.js';
import type { RowMapper } from './map-row.js';
import type { TableReader } from './read-table.js';

const dateFields = ['startDate', 'endDate'] as const;

/**
 * Decides the order of every mapped date column and sets the mapper to read it so. `count`: read
 * the values even when the profile names the order (the dry run reports how many contradict it);
 * otherwise a named order needs no pass over the file.
 */
export async function settleDateColumns(reader: TableReader, mapper: RowMapper, profile: ImportProfile, count: boolean): Promise<DateColumnDecision[]> {
  const fields = dateFields.filter((f) => mapper.index[f] !== undefined);
  if (!fields.length || !formatsNeedOrder(profile.dates.formats)) return [];
  const named = profile.dates.order;
  const tallies = fields.map((f) => newTally(f, mapper.columnOf(f) ?? f));
  if (!named || count) {
    for await (const row of reader.rows()) {
      if (!row.cells.length) continue;
      fields.forEach((f, i) => {
        const c = mapper.cell(row, f);
        if (c !== '') tallyValue(tallies[i]!, c, row.line, profile.dates.formats, profile.dates.excelSerial);
      });
    }
  }
  const decisions = tallies.map((t) => decideOrder(t, named));
  decisions.forEach((d, i) => {
    if (d.order) mapper.readDatesIn(fields[i]!, d.order);
  });
  return decisions;
}

/** The question an unsettled or contradictory column asks, as the error that stops the import. */
export function dateQuestion(decisions: DateColumnDecision[]): AppError | null {
  const issues: FieldIssue[] = decisions.filter(isBlocking).map((d) => ({
    path: ['dates', 'order'],
    key: `interop:dates.${d.reason}`,
    values: {
      column: d.column,
      dayMonth: d.counts['day-month'],
      monthDay: d.counts['month-day'],
      ambiguous: d.counts.ambiguous,
      dayMonthExamples: examplesText(d, 'day-month'),
      monthDayExamples: examplesText(d, 'month-day'),
      ambiguousExamples: examplesText(d, 'ambiguous'),
    },
  }));
  return issues.length ? new AppError('bad_input', { issues }) : null;
}
