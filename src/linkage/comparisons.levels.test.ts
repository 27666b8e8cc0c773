import { describe, expect, it } from 'vitest';
import { buildComparisons, nameSimilarity, type LinkRecord } from './comparisons.levels.js';
import { linkConfigSchema } from './link-config.schema.js';
import { nameTokens } from './names.normalize.js';

function records(rows: Record<string, string | null>[]): LinkRecord[] {
  return rows.map((fields, k) => ({ source: 's', id: String(k), fields }));
}

const config = linkConfigSchema.parse({
  idColumn: 'id',
  comparisons: [
    { name: 'name', type: 'name', given: ['given'], surname: ['surname'] },
    { name: 'date', type: 'date', column: 'date', withinDays: [7, 60] },
    { name: 'place', type: 'subdivision', column: 'state' },
    { name: 'act', type: 'category', column: 'act', related: [['detencion', 'desaparicion']] },
    { name: 'city', type: 'string', column: 'city', thresholds: [0.9] },
  ],
  blocking: [{ on: 'state' }],
});

function levels(a: Record<string, string | null>, b: Record<string, string | null>): Record<string, string> {
  const recs = records([a, b]);
  const comps = buildComparisons(config.comparisons, recs);
  return Object.fromEntries(comps.map((c) => [c.name, c.labels[c.level(0, 1)]!]));
}

const base = { given: 'José Antonio', surname: 'Pérez González', date: '2020-11-05', state: 'VE-M', act: 'detencion', city: 'Los Teques' };

describe('comparison levels', () => {
  it('agree exactly on the same values, whatever the accents and case', () => {
    expect(levels(base, { ...base, given: 'JOSE ANTONIO', surname: 'PEREZ GONZALEZ' })).toEqual({
      name: 'exact', date: 'exact', place: 'exact', act: 'exact', city: 'exact',
    });
  });

  it('handle Spanish names: swapped order, nicknames, particles, a lost second surname', () => {
    expect(levels(base, { ...base, given: 'Pérez González', surname: 'José Antonio' }).name).toBe('exact');
    expect(levels(base, { ...base, given: 'Pepe Antonio' }).name).toBe('exact');
    expect(levels({ ...base, surname: 'de la Cruz Pérez' }, { ...base, surname: 'Cruz Pérez' }).name).toBe('exact');
    expect(levels(base, { ...base, surname: 'Pérez' }).name).toBe('subset');
    expect(levels(base, { ...base, surname: 'Peres Gonzales' }).name).toBe('all_jw>=0.92');
    expect(levels(base, { ...base, given: 'José' }).name).toBe('subset');
    expect(levels(base, { ...base, given: 'José Luis', surname: 'Pérez Rodríguez' }).name).toBe('two_tokens');
    expect(levels(base, { ...base, given: 'Carmen', surname: 'Rojas Marcano' }).name).toBe('else');
  });

  it('treat a missing value as its own null level', () => {
    expect(levels(base, { ...base, given: null, surname: '', date: null, state: null, act: ' ', city: null })).toEqual({
      name: 'null', date: 'null', place: 'null', act: 'null', city: 'null',
    });
  });

  it('compare dates of different precision and dates a few days apart', () => {
    expect(levels(base, { ...base, date: '2020-11' }).date).toBe('precision');
    expect(levels(base, { ...base, date: '2020' }).date).toBe('precision');
    expect(levels(base, { ...base, date: '2020-12' }).date).toBe('within_60d');
    expect(levels(base, { ...base, date: '2020-11-09' }).date).toBe('within_7d');
    expect(levels(base, { ...base, date: '2020-10-01' }).date).toBe('within_60d');
    expect(levels(base, { ...base, date: '2021-06-01' }).date).toBe('else');
  });

  it('know neighbouring states and related act types', () => {
    expect(levels(base, { ...base, state: 'VE-A' }).place).toBe('neighbour');
    expect(levels(base, { ...base, state: 've-v' }).place).toBe('else');
    expect(levels(base, { ...base, act: 'desaparicion' }).act).toBe('related');
    expect(levels(base, { ...base, act: 'amenaza' }).act).toBe('else');
  });

  it('read YYYYMMDD and day-first dates, and treat one impossible value as missing with a counted warning', () => {
    const rows = [
      base,
      { ...base, date: '20201105' },
      { ...base, date: '25/12/2020' },
      { ...base, date: '05/11/2020' },
      { ...base, date: '1945-04-93' },
    ];
    const warnings: { key: string; values: Record<string, string | number> }[] = [];
    const [, date] = buildComparisons(config.comparisons, records(rows), warnings);
    expect(date!.labels[date!.level(0, 1)]).toBe('exact');
    // 25/12/2020 settles the column as day first, so 05/11/2020 is 5 November.
    expect(date!.labels[date!.level(0, 3)]).toBe('exact');
    expect(date!.labels[date!.level(0, 2)]).toBe('within_60d');
    expect(date!.labels[date!.level(0, 4)]).toBe('null');
    expect(warnings).toEqual([
      { key: 'linkage:warn_bad_dates', values: { column: 'date', unreadable: 1, present: 5, examples: '"1945-04-93"' } },
    ]);
  });

  it('infer month-first dates per file, and say when a file leaves the order open', () => {
    const rows: LinkRecord[] = [
      { source: 'us', id: '1', fields: { ...base, date: '12/25/2020' } },
      { source: 'us', id: '2', fields: { ...base, date: '11/05/2020' } },
      { source: 've', id: '3', fields: { ...base, date: '05/11/2020' } },
    ];
    const warnings: { key: string; values: Record<string, string | number> }[] = [];
    const [, date] = buildComparisons(config.comparisons, rows, warnings);
    expect(date!.labels[date!.level(1, 2)]).toBe('exact');
    expect(warnings).toEqual([{ key: 'linkage:warn_date_order_assumed', values: { column: 'date', source: 've', count: 1 } }]);
    const stated = linkConfigSchema.parse({ ...config, comparisons: [{ name: 'date', type: 'date', column: 'date', dayMonthOrder: 'mdy' }] });
    const [fixed] = buildComparisons(stated.comparisons, rows.slice(1));
    // Stated month first, the Venezuelan file's 05/11/2020 becomes 11 May: six months from 5 November.
    expect(fixed!.labels[fixed!.level(0, 1)]).toBe('else');
  });

  it('refuse a column that is mostly not dates, saying how many values cannot be read', () => {
    const rows = [base, ...['ayer', 'VE-M', 'x', '2020-13-01'].map((date) => ({ ...base, date }))];
    expect(() => buildComparisons(config.comparisons, records(rows))).toThrow(
      expect.objectContaining({
        code: 'bad_input',
        issues: [
          expect.objectContaining({
            path: ['comparisons', 'date', 'date'],
            key: 'linkage:bad_date_column',
            values: expect.objectContaining({ unreadable: 4, present: 5 }),
          }),
        ],
      }),
    );
  });

  it('weigh an exact match on a rare surname more than on a common one (term frequencies)', () => {
    const rows = [
      ...Array.from({ length: 20 }, () => ({ ...base, surname: 'González' })),
      { ...base, surname: 'Zambrano' },
      { ...base, surname: 'Zambrano' },
    ];
    const [name] = buildComparisons(config.comparisons.slice(0, 1), records(rows));
    const common = name!.tfAdjustment!(0, 1, 1);
    const rare = name!.tfAdjustment!(20, 21, 1);
    // Both pairs share "José" and "Antonio"; the adjustment is the mean over the three shared words,
    // so they differ by a third of log2(20 / 2), the surname's.
    expect(rare - common).toBeCloseTo(Math.log2(10) / 3, 10);
  });
});

describe('nameSimilarity', () => {
  it('scores each word of the shorter name against the longer one', () => {
    const r = nameSimilarity(nameTokens('Ana Pérez'), nameTokens('Ana María Pérez Rojas'));
    expect(r).toMatchObject({ score: 1, subset: true, close: 2 });
    const s = nameSimilarity(nameTokens('Ana'), nameTokens('Ana Pérez'));
    expect(s.score).toBeCloseTo(0.85, 10);
    expect(s.subset).toBe(false);
  });
});
