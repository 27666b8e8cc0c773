import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { assertEstimableTable, buildCaptureTables, listTotals, observedTotal, pairOverlaps, permuteLists, type CaptureTable } from './capture-history.table.js';
import { captureTableToCsv, parseCaptureCsv } from './capture-table.csv.js';

function issueKeys(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('bad_input');
    return (e as AppError).issues.map((i) => i.key);
  }
  throw new Error('expected a bad_input error');
}

function issueValues(fn: () => unknown): Record<string, string | number>[] {
  try {
    fn();
  } catch (e) {
    return (e as AppError).issues.map((i) => i.values ?? {});
  }
  throw new Error('expected an error');
}

describe('buildCaptureTables', () => {
  const grouping = [
    { name: 'Church', members: ['org-a'] },
    { name: 'Lawyers', members: ['org-b', 'org-c'] },
    { name: 'Press', members: ['org-d'] },
  ];
  it('counts each combination of lists per stratum', () => {
    const items = [
      { lists: ['org-a'], strata: { year: '2024', region: 'VE-A' } },
      { lists: ['org-a', 'org-c'], strata: { year: '2024', region: 'VE-A' } },
      { lists: ['org-b', 'org-c'], strata: { year: '2024', region: 'VE-A' } },
      { lists: ['org-d', 'org-a', 'org-b'], strata: { year: '2025', region: 'VE-A' } },
      { lists: ['org-x'], strata: { year: '2025', region: 'VE-A' } },
    ];
    const { tables, unassigned } = buildCaptureTables(items, grouping, ['year']);
    expect(unassigned).toBe(1);
    expect(tables.map((t) => t.stratum)).toEqual([{ year: '2024' }, { year: '2025' }]);
    const [y24, y25] = tables as [CaptureTable, CaptureTable];
    expect(y24.lists).toEqual(['Church', 'Lawyers', 'Press']);
    expect(y24.counts[0b001]).toBe(1);
    expect(y24.counts[0b011]).toBe(1);
    expect(y24.counts[0b010]).toBe(1); // two organisations of the same list count once
    expect(y25.counts[0b111]).toBe(1);
    expect(observedTotal(y24)).toBe(3);
    expect(listTotals(y24)).toEqual([2, 2, 0]);
  });
  it('keeps every item in exactly one table or in the unassigned count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lists: fc.subarray(['org-a', 'org-b', 'org-c', 'org-d', 'org-x']), strata: fc.record({ year: fc.constantFrom('2023', '2024') }) })),
        (items) => {
          const { tables, unassigned } = buildCaptureTables(items, grouping, ['year']);
          expect(tables.reduce((s, t) => s + observedTotal(t), 0) + unassigned).toBe(items.length);
        },
      ),
    );
  });
  it('refuses a list named twice', () => {
    expect(issueKeys(() => buildCaptureTables([], [grouping[0]!, grouping[0]!]))).toEqual(['estimate:errors.duplicate_list']);
  });
});

describe('assertEstimableTable', () => {
  const ok: CaptureTable = { lists: ['A', 'B', 'C'], counts: [0, 5, 4, 3, 6, 2, 2, 1] };
  it('accepts a usable table', () => expect(() => assertEstimableTable(ok)).not.toThrow());
  it('refuses fewer than two lists', () => expect(issueKeys(() => assertEstimableTable({ lists: ['A'], counts: [0, 3] }))).toEqual(['estimate:errors.too_few_lists']));
  it('refuses an empty table', () => expect(issueKeys(() => assertEstimableTable({ lists: ['A', 'B'], counts: [0, 0, 0, 0] }))).toEqual(['estimate:errors.empty_table']));
  it('refuses a list that documents nothing', () =>
    expect(issueKeys(() => assertEstimableTable({ lists: ['A', 'B', 'C'], counts: [0, 5, 4, 3, 0, 0, 0, 0] }))).toEqual(['estimate:errors.list_captures_nothing']));
  it('refuses a list that documents everything', () =>
    expect(issueKeys(() => assertEstimableTable({ lists: ['A', 'B'], counts: [0, 5, 0, 3] }))).toEqual(['estimate:errors.list_captures_everything']));
  it('refuses counts that are not non-negative integers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noInteger: true }), fc.integer({ max: -1 }), fc.constant(NaN)), fc.integer({ min: 1, max: 7 }), (bad, cell) => {
        const counts = [...ok.counts];
        counts[cell] = bad;
        expect(issueKeys(() => assertEstimableTable({ ...ok, counts }))).toEqual(['estimate:errors.count_not_integer_pattern']);
      }),
    );
  });
  it('permuting lists keeps totals and overlaps', () => {
    const p = permuteLists(ok, [2, 0, 1]);
    expect(p.lists).toEqual(['C', 'A', 'B']);
    expect(listTotals(p)).toEqual([listTotals(ok)[2], listTotals(ok)[0], listTotals(ok)[1]]);
    expect(pairOverlaps(p).map((o) => o.both).sort()).toEqual(pairOverlaps(ok).map((o) => o.both).sort());
  });
});

describe('capture-history CSV', () => {
  it('reads 0/1 columns and a count column in any position', () => {
    const t = parseCaptureCsv('count,A,B,C\n5,1,0,0\n4,0,1,0\n3,1,1,0\n6,0,0,1\n2,1,0,1\n2,0,1,1\n1,1,1,1\n');
    expect(t.lists).toEqual(['A', 'B', 'C']);
    expect(t.counts).toEqual([0, 5, 4, 3, 6, 2, 2, 1]);
  });
  it('round-trips any table through CSV', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }).chain((k) => fc.array(fc.nat(1000), { minLength: (1 << k) - 1, maxLength: (1 << k) - 1 }).map((c) => ({ k, c }))), ({ k, c }) => {
        const t: CaptureTable = { lists: Array.from({ length: k }, (_, j) => `list ${j}`), counts: [0, ...c] };
        expect(parseCaptureCsv(captureTableToCsv(t))).toEqual(t);
      }),
    );
  });
  it('names the line and column of every bad value', () => {
    const text = 'A,B,count\n1,0,x\n0,1,40\n0,1,3\n1,2,20\n1,1\n0,0,4\n1,1,-2\n';
    expect(issueKeys(() => parseCaptureCsv(text))).toEqual([
      'estimate:errors.count_not_integer',
      'estimate:errors.duplicate_pattern',
      'estimate:errors.not_binary',
      'estimate:errors.column_count',
      'estimate:errors.zero_pattern',
      'estimate:errors.count_not_integer',
    ]);
    const values = issueValues(() => parseCaptureCsv(text));
    expect(values[0]).toMatchObject({ line: 2, column: 'count', value: 'x' });
    expect(values[1]).toMatchObject({ line: 4, first: 3, pattern: '01' });
    expect(values[2]).toMatchObject({ line: 5, column: 'B', value: '2' });
    expect(values[3]).toMatchObject({ line: 6 });
    expect(values[4]).toMatchObject({ line: 7 });
    expect(values[5]).toMatchObject({ line: 8, value: '-2' });
  });
  it('refuses a file without a count column, with one list, or with nothing', () => {
    expect(issueKeys(() => parseCaptureCsv('A,B,n\n1,0,3\n'))).toEqual(['estimate:errors.missing_count']);
    expect(issueKeys(() => parseCaptureCsv('A,count\n1,3\n'))).toEqual(['estimate:errors.too_few_lists']);
    expect(issueKeys(() => parseCaptureCsv(''))).toEqual(['estimate:errors.empty_table']);
    expect(issueKeys(() => parseCaptureCsv('A,A,count\n1,0,3\n'))).toEqual(['estimate:errors.duplicate_list']);
  });
  it('refuses broken CSV quoting with the line', () => {
    expect(issueKeys(() => parseCaptureCsv('A,B,count\n1,0,"3\n'))).toEqual(['estimate:errors.csv_syntax']);
  });
});
