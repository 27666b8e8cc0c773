import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachCandidatePair, forEachSampledPair, parseKeyExpression, planBlocking, type LinkMode } from './blocking.pairs.js';
import { seededRandom } from './u-probabilities.sample.js';
import type { LinkRecord } from './comparisons.levels.js';
import { blockingRuleSchema } from './link-config.schema.js';

const columns = new Set(['surname', 'given', 'date', 'state']);
const surnames = ['González', 'Gonzales', 'Pérez', 'Peres', 'Zambrano', null];
const givens = ['Ana', 'José', 'Pepe', 'Luis', null];
const dates = ['2020-01-05', '2020-01-20', '2020-02', '2021', null];
const states = ['VE-A', 'VE-M', null];

const recordArb = (sources: string[]) =>
  fc.record({
    source: fc.constantFrom(...sources),
    surname: fc.constantFrom(...surnames),
    given: fc.constantFrom(...givens),
    date: fc.constantFrom(...dates),
    state: fc.constantFrom(...states),
  });

function toRecords(rows: { source: string; surname: string | null; given: string | null; date: string | null; state: string | null }[]): LinkRecord[] {
  return rows.map((r, k) => ({ source: r.source, id: String(k), fields: { surname: r.surname, given: r.given, date: r.date, state: r.state } }));
}

const ruleTexts = [['soundex(surname)', 'month(date)'], ['initial(given)', 'state'], ['soundex_firsts(given, surname)']];
const rules = ruleTexts.map((on) => blockingRuleSchema.parse({ on }));

/** Brute force: every pair, the key of each rule compared directly. */
function bruteForce(records: LinkRecord[], mode: LinkMode) {
  const plan = planBlocking(records, rules, { mode, maxPairs: 1e9, columns });
  const perRule = plan.map(() => 0);
  const union = new Set<string>();
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      if (mode === 'link' && records[i]!.source === records[j]!.source) continue;
      plan.forEach((r, k) => {
        if (r.keys[i]! >= 0 && r.keys[i] === r.keys[j]) {
          perRule[k]!++;
          union.add(`${i},${j}`);
        }
      });
    }
  }
  return { plan, perRule, union };
}

describe('blocking', () => {
  it('parses key expressions', () => {
    expect(parseKeyExpression('soundex(surname)')).toEqual({ fn: 'soundex', columns: ['surname'] });
    expect(parseKeyExpression('soundex_firsts(given, surname)')).toEqual({ fn: 'soundex_firsts', columns: ['given', 'surname'] });
    expect(parseKeyExpression('state')).toEqual({ fn: 'fold', columns: ['state'] });
    expect(parseKeyExpression('nosuch(state)')).toBeUndefined();
    expect(parseKeyExpression('soundex(')).toBeUndefined();
  });

  for (const mode of ['dedupe', 'link'] as const) {
    it(`counts per rule equal brute-force counts, and the union has each pair once (${mode})`, () => {
      fc.assert(
        fc.property(fc.array(recordArb(['a', 'b']), { minLength: 0, maxLength: 40 }), (rows) => {
          const records = toRecords(rows);
          const { plan, perRule, union } = bruteForce(records, mode);
          expect(plan.map((r) => r.pairs)).toEqual(perRule);
          const seen = new Set<string>();
          const emitted = forEachCandidatePair(records, plan, mode, (i, j, rule, mask) => {
            const key = `${i},${j}`;
            expect(seen.has(key)).toBe(false);
            seen.add(key);
            expect(i).toBeLessThan(j);
            expect(mask & (1 << rule)).not.toBe(0);
            // No earlier rule agrees on this pair.
            expect(mask & ((1 << rule) - 1)).toBe(0);
          });
          expect(emitted).toBe(union.size);
          expect([...seen].sort()).toEqual([...union].sort());
        }),
        { numRuns: 60 },
      );
    });
  }

  it('refuses, before generating any pair, a rule above maxPairs, naming it', () => {
    const records: LinkRecord[] = Array.from({ length: 300 }, (_, k) => ({
      source: 's',
      id: String(k),
      fields: { surname: 'González', given: 'Ana', date: '2020-01-01', state: 'VE-A' },
    }));
    let visited = 0;
    expect(() => {
      const plan = planBlocking(records, rules.slice(0, 1), { mode: 'dedupe', maxPairs: 40_000, columns });
      forEachCandidatePair(records, plan, 'dedupe', () => visited++);
    }).toThrow(
      expect.objectContaining({
        code: 'bad_input',
        issues: [expect.objectContaining({ key: 'linkage:rule_too_many_pairs', values: expect.objectContaining({ pairs: 44_850, max: 40_000 }) })],
      }),
    );
    expect(visited).toBe(0);
  });

  it('names an unknown key function and a missing column', () => {
    const bad = [blockingRuleSchema.parse({ on: 'metaphone(surname)' }), blockingRuleSchema.parse({ on: 'year(fecha)' })];
    expect(() => planBlocking([], bad, { mode: 'dedupe', maxPairs: 10, columns })).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ path: ['blocking', 0, 'on', 0], key: 'linkage:bad_key_expression' }),
          expect.objectContaining({ path: ['blocking', 1, 'on', 0], key: 'linkage:missing_column', values: { column: 'fecha' } }),
        ],
      }),
    );
  });
});

describe('forEachSampledPair', () => {
  it('keeps each pair of the rule with the given probability, without repeats (dedupe and link)', () => {
    const records: LinkRecord[] = Array.from({ length: 400 }, (_, k) => ({
      source: k % 3 === 0 ? 'a' : 'b',
      id: String(k),
      fields: { g: String(k % 7), h: k % 11 === 0 ? '' : 'x' },
    }));
    for (const mode of ['dedupe', 'link'] as const) {
      const [rule] = planBlocking(records, [{ on: 'g' }], { mode, maxPairs: 1e9, columns: new Set(['g', 'h']) });
      const all = new Set<string>();
      forEachCandidatePair(records, [rule!], mode, (i, j) => all.add(`${i},${j}`));
      expect(all.size).toBe(rule!.pairs);
      const rate = 0.2;
      const hits = new Map<string, number>();
      const reps = 200;
      const rand = seededRandom(5);
      let total = 0;
      for (let r = 0; r < reps; r++) {
        const seen = new Set<string>();
        forEachSampledPair(records, rule!, mode, rate, rand, (i, j) => {
          const key = `${i},${j}`;
          expect(i).toBeLessThan(j);
          expect(all.has(key)).toBe(true);
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          hits.set(key, (hits.get(key) ?? 0) + 1);
          total++;
        });
      }
      // Mean kept within 4 standard errors of rate·pairs; every pair reachable.
      const expected = rate * all.size * reps;
      expect(Math.abs(total - expected)).toBeLessThan(4 * Math.sqrt(expected * (1 - rate)));
      expect(hits.size).toBe(all.size);
      // No pair favoured: the most-kept pair within the binomial's range.
      const max = Math.max(...hits.values());
      expect(max).toBeLessThan(reps * rate + 6 * Math.sqrt(reps * rate * (1 - rate)));
    }
  });
});
