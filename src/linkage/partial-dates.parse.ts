/**
 * Dates as they are written in case files: a day (2020-11-05), a month (2020-11) or a year (2020),
 * and in the other shapes real files hold them (20201105, 05/11/2020, 11/05/2020, 11/2020).
 * Each becomes the interval of days it covers, so a month-only date can be compared with a day.
 * Whether 05/11/2020 is 5 November or 11 May is settled per column (see readDateColumn).
 */

export type DatePrecision = 'day' | 'month' | 'year';

export interface PartialDate {
  precision: DatePrecision;
  /** First and last day covered, as days since 1970-01-01 (UTC). */
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const re = /^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$/;

/** Parses YYYY, YYYY-MM or YYYY-MM-DD; undefined when the text is not such a date (or not a real day). */
export function parsePartialDate(text: string): PartialDate | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return fromParts(Number(m[1]), m[2] === undefined ? undefined : Number(m[2]), m[3] === undefined ? undefined : Number(m[3]));
}

function fromParts(y: number, mo: number | undefined, d: number | undefined): PartialDate | undefined {
  if (mo === undefined) {
    return { precision: 'year', start: Date.UTC(y, 0, 1) / DAY_MS, end: Date.UTC(y, 11, 31) / DAY_MS };
  }
  if (mo < 1 || mo > 12) return undefined;
  if (d === undefined) {
    return { precision: 'month', start: Date.UTC(y, mo - 1, 1) / DAY_MS, end: Date.UTC(y, mo, 0) / DAY_MS };
  }
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (d < 1 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return { precision: 'day', start: t / DAY_MS, end: t / DAY_MS };
}

/** Day before month (05/11/2020 is 5 November) or month before day (11 May). */
export type DayMonthOrder = 'dmy' | 'mdy';

// A time of day after the date ("2020-11-05T10:30", "05/11/2020 10:30:00") is dropped.
const timeSuffix = /(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$/;
const yearFirst = /^(\d{4})(?:([-/.])(\d{1,2})(?:\2(\d{1,2}))?)?$/;
const compact = /^(\d{4})(\d{2})(\d{2})$/;
const yearLast = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const monthYear = /^(\d{1,2})[-/.](\d{4})$/;

/**
 * Reads a date in any accepted shape: YYYY, YYYY-MM, YYYY-MM-DD (also with / or .), YYYYMMDD,
 * D/M/YYYY or M/D/YYYY as `order` says (also with - or .), M/YYYY. Undefined when it is none of
 * these or not a real day (1945-04-93, 31/02/2020).
 */
export function parseDate(text: string, order: DayMonthOrder = 'dmy'): PartialDate | undefined {
  const s = text.trim().replace(timeSuffix, '');
  let m = yearFirst.exec(s);
  if (m) return fromParts(Number(m[1]), m[3] === undefined ? undefined : Number(m[3]), m[4] === undefined ? undefined : Number(m[4]));
  m = compact.exec(s);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = yearLast.exec(s);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    return order === 'dmy' ? fromParts(Number(m[4]), b, a) : fromParts(Number(m[4]), a, b);
  }
  m = monthYear.exec(s);
  if (m) return fromParts(Number(m[2]), Number(m[1]), undefined);
  return undefined;
}

/**
 * The order of a column's day-and-month dates, from its values as the import reads a column: a
 * first number above 12 (25/03/2020) can only be a day, a second above 12 (03/25/2020) only a day
 * too. The side with more such values wins; with none, the column is ambiguous and `fallback`
 * (the config's stated order, day first unless it says otherwise) applies.
 */
export function inferDayMonthOrder(
  values: Iterable<string>,
  fallback: DayMonthOrder = 'dmy',
): { order: DayMonthOrder; inferred: boolean; ambiguous: number } {
  return inferFromCounts((function* () {
    for (const v of values) yield [v, 1] as const;
  })(), fallback);
}

/** The same from distinct values and how many records hold each (a column repeats its dates). */
function inferFromCounts(
  counted: Iterable<readonly [string, number]>,
  fallback: DayMonthOrder = 'dmy',
): { order: DayMonthOrder; inferred: boolean; ambiguous: number } {
  let dayFirst = 0;
  let monthFirst = 0;
  let ambiguous = 0;
  for (const [v, count] of counted) {
    const m = yearLast.exec(v.trim().replace(timeSuffix, ''));
    if (!m) continue;
    const [a, b] = [Number(m[1]), Number(m[3])];
    if (a > 12 && b <= 12) dayFirst += count;
    else if (b > 12 && a <= 12) monthFirst += count;
    else if (a !== b) ambiguous += count;
  }
  if (dayFirst === 0 && monthFirst === 0) return { order: fallback, inferred: false, ambiguous };
  return { order: dayFirst >= monthFirst ? 'dmy' : 'mdy', inferred: true, ambiguous };
}

export interface DateColumn {
  dates: (PartialDate | undefined)[];
  /** Non-empty values that are not dates in any accepted shape, and a few of them. */
  unreadable: number;
  present: number;
  examples: string[];
  /** Per source (file): the day/month order used and whether its values settled it. */
  orders: { source: string; order: DayMonthOrder; inferred: boolean; ambiguous: number }[];
}

/**
 * Reads one date column of records from one or more sources. The day/month order is inferred per
 * source, since two files linked together need not write dates alike; `stated` fixes it instead.
 */
export function readDateColumn(
  values: readonly (string | null)[],
  sources: readonly string[],
  stated: DayMonthOrder | 'auto' = 'auto',
): DateColumn {
  // Distinct values per source with their counts: each is inferred from and parsed once.
  const bySource = new Map<string, Map<string, number>>();
  values.forEach((v, i) => {
    if (v === null) return;
    const s = sources[i]!;
    let counts = bySource.get(s);
    if (!counts) bySource.set(s, (counts = new Map()));
    counts.set(v, (counts.get(v) ?? 0) + 1);
  });
  const orders: DateColumn['orders'] = [];
  const orderOf = new Map<string, DayMonthOrder>();
  for (const [source, counts] of bySource) {
    const r = stated === 'auto' ? inferFromCounts(counts) : { order: stated, inferred: false, ambiguous: 0 };
    orderOf.set(source, r.order);
    orders.push({ source, ...r });
  }
  const parsed = new Map<DayMonthOrder, Map<string, PartialDate | undefined>>();
  let unreadable = 0;
  let present = 0;
  const examples: string[] = [];
  const dates = values.map((v, i) => {
    if (v === null) return undefined;
    present++;
    const order = orderOf.get(sources[i]!)!;
    let memo = parsed.get(order);
    if (!memo) parsed.set(order, (memo = new Map()));
    let d = memo.get(v);
    if (d === undefined && !memo.has(v)) memo.set(v, (d = parseDate(v, order)));
    if (!d) {
      unreadable++;
      if (examples.length < 5) examples.push(v.slice(0, 40));
    }
    return d;
  });
  return { dates, unreadable, present, examples, orders };
}

/** YYYY-MM of a date precise to the month or day; undefined for a year-only date. */
export function monthKey(text: string): string | undefined {
  const d = parsePartialDate(text);
  if (!d || d.precision === 'year') return undefined;
  const t = new Date(d.start * DAY_MS);
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function yearKey(text: string): string | undefined {
  const d = parsePartialDate(text);
  return d ? String(new Date(d.start * DAY_MS).getUTCFullYear()) : undefined;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * readDateColumn on a column of records (values trimmed, blank as missing), remembered per records
 * array, column and stated order: the blocking keys (month(date), year(date)) and the date
 * comparison of one run read the same column, and reading a million dates was seconds each time.
 */
const recordDates = new WeakMap<object, Map<string, DateColumn>>();
export function readRecordDates(
  records: readonly { source: string; fields: Readonly<Record<string, string | null | undefined>> }[],
  column: string,
  stated: DayMonthOrder | 'auto' = 'auto',
): DateColumn {
  let byColumn = recordDates.get(records);
  if (!byColumn) recordDates.set(records, (byColumn = new Map()));
  const key = `${stated}\u0000${column}`;
  const known = byColumn.get(key);
  if (known) return known;
  const values = records.map((r) => {
    const v = r.fields[column]?.trim();
    return v ? v : null;
  });
  const read = readDateColumn(
    values,
    records.map((r) => r.source),
    stated,
  );
  byColumn.set(key, read);
  return read;
}
