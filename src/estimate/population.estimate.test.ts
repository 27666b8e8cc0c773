import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import { simulateTable, standardScenarios } from './capture-simulation.js';
import type { CaptureTable } from './capture-history.table.js';
import { estimatePopulation } from './population.estimate.js';

function errorKeys(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).issues.map((i) => i.key);
  }
  throw new Error('expected an error');
}

describe('estimatePopulation', () => {
  it('with two lists gives only Lincoln–Petersen and Chapman, with the independence warning', () => {
    const r = estimatePopulation({ lists: ['A', 'B'], counts: [0, 60, 40, 20] }, { method: 'all' });
    expect(r.methods.map((m) => m.method)).toEqual(['chapman', 'lincoln-petersen']);
    expect(r.methods[1]!.estimate).toBe(240);
    expect(r.warnings.map((w) => w.key)).toContain('warnings.two_lists');
    expect(r.warnings.map((w) => w.key)).toContain('warnings.lcmcr_needs_three');
    expect(r.lcmcr).toBeUndefined();
  });

  it('refuses two lists that share no case', () => {
    expect(errorKeys(() => estimatePopulation({ lists: ['A', 'B'], counts: [0, 60, 40, 0] }))).toEqual(['estimate:errors.no_overlap']);
  });

  it('refuses bad tables with the reason', () => {
    expect(errorKeys(() => estimatePopulation({ lists: ['A'], counts: [0, 4] }))).toEqual(['estimate:errors.too_few_lists']);
    expect(errorKeys(() => estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 0, 0, 0, 0, 0, 0, 0] }))).toEqual(['estimate:errors.empty_table']);
    expect(errorKeys(() => estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 1, 0, 4, 0, 2, 0, 9] }))).toEqual(['estimate:errors.list_captures_everything']);
    expect(errorKeys(() => estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 1, 2, 4, 0, 0, 0, 0] }))).toEqual(['estimate:errors.list_captures_nothing']);
    expect(errorKeys(() => estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 1, 2.5, 4, 1, 1, 1, 1] }))).toEqual(['estimate:errors.count_not_integer_pattern']);
    expect(errorKeys(() => estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 5, 4, 3, 6, 2, 2, 1] }, { method: 'lcmcr', lcmcr: { samples: 0 } }))).toEqual([
      'estimate:errors.bad_setting',
    ]);
  });

  it('warns when lists are small or overlap too little', () => {
    const r = estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 300, 200, 2, 3, 1, 1, 0] });
    const keys = r.warnings.map((w) => w.key);
    expect(keys).toContain('warnings.low_overlap');
    expect(keys).toContain('warnings.small_list');
    // Every warning renders in both languages without a missing key.
    for (const w of r.warnings)
      for (const lang of ['es', 'en'] as const) expect(t(lang, `estimate:${w.key}`, w.values)).not.toContain('warnings.');
  });

  it('never reports an estimate below the documented count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 7, maxLength: 7 }), (c) => {
        const table: CaptureTable = { lists: ['A', 'B', 'C'], counts: [0, ...c] };
        const r = estimatePopulation(table);
        for (const m of r.methods) {
          expect(m.observed).toBe(r.observed);
          expect(m.estimate).toBeGreaterThanOrEqual(r.observed);
          expect(m.lower).toBeGreaterThanOrEqual(r.observed);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('runs both methods and reports their settings', () => {
    const table = simulateTable(standardScenarios(1500)[1]!, 21);
    const r = estimatePopulation(table, { method: 'all', lcmcr: { burnIn: 500, samples: 200, thinning: 2, seed: 3 } });
    expect(r.methods.map((m) => m.method)).toEqual(['loglinear', 'loglinear-averaged', 'lcmcr']);
    expect(r.methods[2]!.settings).toMatchObject({ K: 10, burnIn: 500, samples: 200, thinning: 2, a: 0.25, b: 0.25, seed: 3 });
    expect(r.methods[0]!.model).toBe(r.loglinear!.chosen!.name);
  });
});

describe('which figure to report', () => {
  it('recommends the chosen model when close models agree, and the model average when they disagree', () => {
    const clear = estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, 50, 40, 15, 30, 12, 10, 6] });
    expect(clear.recommended).toEqual({ method: 'loglinear', reasons: [{ key: 'recommend.clear_choice', values: { delta: 2, criterion: 'BIC' } }] });
    // Find a table where close models disagree (the warning fires), and check the average is chosen.
    let found = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 7, maxLength: 7 }), (c) => {
        const r = estimatePopulation({ lists: ['A', 'B', 'C'], counts: [0, ...c] });
        if (!r.warnings.some((w) => w.key === 'warnings.models_disagree')) return;
        found++;
        expect(r.recommended!.method).toBe('loglinear-averaged');
        expect(r.recommended!.reasons[0]!.key).toBe('recommend.models_disagree');
      }),
      { numRuns: 200, seed: 11 },
    );
    expect(found).toBeGreaterThan(0);
  });

  it('recommends LCMCR only when its chain converged, and labels every interval', () => {
    const table = simulateTable(standardScenarios(2000).find((s) => s.lists === 4)!, 3);
    // The default run continues its chains until they pass; a cap that stops it first is said.
    const short = estimatePopulation(table, { method: 'all', lcmcr: { K: 5, burnIn: 100, samples: 50, thinning: 1, seed: 1 }, chains: { maxIterations: 150 } });
    expect(short.recommended!.method).not.toBe('lcmcr');
    expect(short.recommended!.reasons[0]!.key).toBe('recommend.lcmcr_not_converged');
    expect(short.lcmcr!.chains).toMatchObject({ count: 4, stoppedAtCap: true, converged: false, iterationsPerChain: 150 });
    expect(short.warnings.find((w) => w.key === 'warnings.lcmcr_stopped_at_cap')!.values).toMatchObject({ iterations: 150, target: 400 });
    expect(short.methods.map((m) => [m.method, m.interval])).toEqual([
      ['loglinear', 'profile'],
      ['loglinear-averaged', 'model-average'],
      ['lcmcr', 'credible'],
    ]);
    const long = estimatePopulation(table, { method: 'all', lcmcr: { K: 5, burnIn: 2000, samples: 500, thinning: 5, seed: 1 } });
    expect(long.lcmcr!.chains).toMatchObject({ count: 4, converged: true });
    expect(long.lcmcr!.chains!.rhat).toBeLessThan(1.01);
    expect(long.lcmcr!.effectiveSampleSize).toBeGreaterThanOrEqual(400);
    expect(long.recommended).toMatchObject({ method: 'lcmcr', reasons: [{ key: 'recommend.lcmcr' }] });
  });

  it('records the tool version and the hash of the table (canonical JSON, as the platform stores it)', async () => {
    const { canonicalJson } = await import('../store/canonical-json.js');
    const { createHash } = await import('node:crypto');
    const table = { lists: ['A', 'B'], counts: [0, 60, 40, 20] };
    const r = estimatePopulation(table);
    expect(r.inputHash).toBe(createHash('sha256').update(canonicalJson({ lists: table.lists, counts: table.counts })).digest('hex'));
    expect(r.toolVersion).toMatch(/^atalaya \d+\.\d+\.\d+/);
  });
});
