import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyFunctionNames } from './blocking.pairs.js';
import type { LinkRecord } from './comparisons.levels.js';
import { linkConfigJsonSchema, type LinkConfigInput } from './link-config.schema.js';
import { parseLinkConfig, planLinkage, runLinkage } from './linkage.engine.js';
import { countTruePairs, scorePairs } from './linkage.evaluate.js';
import { generateSynthetic, syntheticLinkConfig } from './linkage.generate.js';

const data = generateSynthetic({ records: 4000, duplicates: 0.2, seed: 3 });

describe('linkage engine on synthetic duplicates', () => {
  const result = runLinkage(data.records, syntheticLinkConfig());

  it('finds the duplicates with high precision and recall', () => {
    const l: number[] = [];
    const r: number[] = [];
    for (let k = 0; k < result.pairs.length; k++) {
      if (result.pairs.probability[k]! >= 0.9) {
        l.push(result.pairs.left[k]!);
        r.push(result.pairs.right[k]!);
      }
    }
    const s = scorePairs(l, r, data.entity, countTruePairs(data.entity));
    expect(s.precision).toBeGreaterThan(0.97);
    expect(s.recall).toBeGreaterThan(0.85);
    expect(result.warnings).toEqual([]);
  });

  it('learns m for every comparison in some session, and a λ near the truth', () => {
    for (const s of result.model.sessions) expect(s.converged).toBe(true);
    expect(result.model.sessions.map((s) => s.off)).toEqual([['name'], ['date', 'place']]);
    const truth = countTruePairs(data.entity) / ((4000 * 3999) / 2);
    expect(result.model.lambda / truth).toBeGreaterThan(0.7);
    expect(result.model.lambda / truth).toBeLessThan(1.2);
    const name = result.model.comparisons[0]!;
    // Exact agreement on names is far likelier among matches than among random pairs.
    expect(name.weights[1]!).toBeGreaterThan(10);
    expect(name.weights[name.weights.length - 1]!).toBeLessThan(0);
  });

  it('explains every pair: prior plus the weight of each comparison gives the match weight', () => {
    for (let k = 0; k < Math.min(result.pairs.length, 200); k++) {
      const ex = result.explain(result.pairs.left[k]!, result.pairs.right[k]!);
      const sum = ex.priorWeight + ex.comparisons.reduce((s, c) => s + c.weight + c.tfAdjustment, 0);
      expect(ex.weight).toBeCloseTo(sum, 9);
      expect(ex.weight).toBeCloseTo(result.pairs.weight[k]!, 9);
      expect(ex.probability).toBeCloseTo(result.pairs.probability[k]!, 12);
      expect(ex.comparisons.map((c) => c.name)).toEqual(['name', 'date', 'place', 'act']);
    }
  });

  it("estimates precision and recall at the threshold from the model's probabilities", () => {
    const e = result.estimate;
    expect(e.pairsAbove).toBeGreaterThan(0);
    expect(e.precision).toBeGreaterThan(0.9);
    expect(e.precision).toBeLessThanOrEqual(1);
    expect(e.recall).toBeGreaterThan(0.5);
    expect(e.recall).toBeLessThanOrEqual(1);
  });

  it('puts both records of every link above the threshold in one cluster, unless the guard cut it', () => {
    let apart = 0;
    for (let k = 0; k < result.pairs.length; k++) {
      if (result.pairs.probability[k]! < 0.9) continue;
      if (result.clusterOf[result.pairs.left[k]!] !== result.clusterOf[result.pairs.right[k]!]) apart++;
    }
    expect(apart).toBeLessThanOrEqual(result.cutLinks);
  });

  it('is reproducible: the same seed gives the same model', () => {
    const again = runLinkage(data.records, syntheticLinkConfig());
    expect(again.model).toEqual(result.model);
  });
});

describe('linkage engine configuration', () => {
  const small: LinkRecord[] = [
    { source: 'a', id: '1', fields: { name: 'Ana Pérez', state: 'VE-A' } },
    { source: 'a', id: '2', fields: { name: 'Ana Peres', state: 'VE-A' } },
    { source: 'b', id: '1', fields: { name: 'Ana Pérez', state: 'VE-A' } },
    { source: 'b', id: '9', fields: { name: 'Luis Rojas', state: 'VE-A' } },
  ];
  const base: LinkConfigInput = {
    idColumn: 'id',
    comparisons: [{ name: 'name', type: 'name', full: 'name', tf: false, m: [0.6, 0.1, 0.2, 0.05, 0.03, 0.02], u: [1e-4, 1e-4, 1e-3, 1e-2, 1e-2, 0.9788] }],
    blocking: [{ on: 'state' }],
    prior: 0.1,
  };

  it('links across two sources only, with m, u and λ fixed by the config', () => {
    const r = runLinkage(small, base);
    expect(r.mode).toBe('link');
    expect(r.candidatePairs).toBe(4);
    expect(r.model.uSampledPairs).toBe(0);
    expect(r.model.comparisons[0]!.m.slice(1)).toEqual([0.6, 0.1, 0.2, 0.05, 0.03, 0.02]);
    expect(r.model.lambda).toBe(0.1);
    const exact = r.explain(0, 2);
    expect(exact.comparisons[0]!.level).toBe('exact');
    expect(exact.weight).toBeCloseTo(Math.log2(0.1 / 0.9) + Math.log2(0.6 / 1e-4), 10);
  });

  it('refuses a config naming a column the input does not have', () => {
    const bad = { ...base, comparisons: [{ name: 'date', type: 'date', column: 'fecha' }] } as LinkConfigInput;
    expect(() => runLinkage(small, bad)).toThrow(
      expect.objectContaining({
        code: 'bad_input',
        issues: [expect.objectContaining({ key: 'linkage:missing_column', values: { column: 'fecha' } })],
      }),
    );
  });

  it('refuses fixed probabilities of the wrong length', () => {
    const bad = { ...base, comparisons: [{ name: 'name', type: 'name', full: 'name', m: [0.5, 0.5] }] } as LinkConfigInput;
    expect(() => planLinkage(small, bad)).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ key: 'linkage:fixed_levels' })] }));
  });

  it('reports schema problems with their paths', () => {
    expect(() => parseLinkConfig({ idColumn: 'id', comparisons: [{ name: 'x', type: 'soundslike', column: 'a' }], blocking: [] })).toThrow(
      expect.objectContaining({ code: 'validation' }),
    );
  });

  it('warns when every training rule blocks on a comparison (its m cannot be learned there)', () => {
    const records = generateSynthetic({ records: 600, duplicates: 0.2, seed: 5 }).records;
    const cfg = syntheticLinkConfig({ training: [{ on: ['soundex(surnames)', 'month(date)'] }] });
    const r = runLinkage(records, cfg);
    expect(r.warnings.map((w) => w.values.comparison)).toEqual(['name', 'date']);
  });

  it('warns when EM stops before converging', () => {
    const records = generateSynthetic({ records: 600, duplicates: 0.2, seed: 5 }).records;
    const r = runLinkage(records, syntheticLinkConfig({ em: { maxIterations: 2, tolerance: 1e-12 } }));
    expect(r.warnings.filter((w) => w.key === 'linkage:warn_em_not_converged').length).toBeGreaterThan(0);
  });

  it('warns when a blocking rule keys fewer than half the records (year() of values that are not dates)', () => {
    const records: LinkRecord[] = Array.from({ length: 10 }, (_, k) => ({
      source: 'a',
      id: String(k),
      fields: { name: k % 2 ? 'Ana Pérez' : 'Ana Peres', born: k < 3 ? `0${k + 1}/05/1980` : 'desconocida', state: 'VE-A' },
    }));
    const cfg = { ...base, blocking: [{ on: 'year(born)' }, { on: 'state' }] };
    const { warnings } = planLinkage(records, cfg);
    expect(warnings).toEqual([{ key: 'linkage:warn_rule_keys_few', values: { rule: 'year(born)', keyed: 3, records: 10 } }]);
    expect(runLinkage(records, cfg).warnings).toContainEqual(warnings[0]);
    // Day-first dates key every record: no warning.
    const dated = records.map((r, k) => ({ ...r, fields: { ...r.fields, born: `${k + 13}/05/1980` } }));
    expect(planLinkage(dated, cfg).warnings).toEqual([]);
  });

  it('lists every blocking key function in the config schema and in the methods documentation', () => {
    const description = JSON.stringify(linkConfigJsonSchema());
    const docs = readFileSync(new URL('../../docs/methods/linkage.md', import.meta.url), 'utf8');
    for (const fn of keyFunctionNames) {
      expect(description).toContain(`${fn}(`);
      expect(docs).toContain(`\`${fn}(`);
    }
  });

  it('publishes the JSON Schema generated from the zod schema', () => {
    const file = JSON.parse(readFileSync(new URL('./link-config.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(file).toEqual(linkConfigJsonSchema());
  });
});
