import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function capture(lang: 'es' | 'en'): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), lang, env: {}, tty: false, lines, errors };
}

const dir = mkdtempSync(join(tmpdir(), 'atalaya-estimate-'));
function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const three = csv('three.csv', 'A,B,C,count\n1,0,0,50\n0,1,0,40\n1,1,0,15\n0,0,1,30\n1,0,1,12\n0,1,1,10\n1,1,1,6\n');

describe('atalaya estimate', () => {
  it('prints the documented count first, then the estimates, the model and the assumptions (English)', async () => {
    const io = capture('en');
    expect(await main(['estimate', three], io)).toBe(0);
    expect(io.lines[0]).toBe('Documented cases (on at least one list): 163');
    const text = io.lines.join('\n');
    expect(text).toMatch(/Log-linear, chosen model: 277, SE 2\d\.\d; profile-likelihood interval 233 to 339; model independence/);
    expect(text).toMatch(/Log-linear, model average: \d+, SE [\d.]+; model-average ±z·SE \(symmetric, approximate\) interval/);
    expect(text).toMatch(/Recommended figure: Log-linear, chosen model, 277 \(profile-likelihood interval 233 to 339\)\.\n {2}no log-linear model within 2 BIC points/);
    expect(text).toMatch(/Computed by atalaya \d+\.\d+\.\d+ from the table with SHA-256 [0-9a-f]{64}\./);
    expect(text).toContain('Model chosen: independence, the lowest BIC of 8 models that could be estimated (8 fitted, search: all models)');
    expect(text).toContain('Before using these figures:');
    // Rcapture's Mh/Mth heterogeneity models, beside the interaction models, with their assumption.
    expect(text).toContain("Heterogeneity models (as Rcapture's closedp");
    expect(text).toMatch(/ {2}Mh Chao \(LB\): N = [\d,]+ \(SE [\d.,]+\), deviance [\d.]+ on \d df/);
    expect(text).toMatch(/ {2}Mth Darroch: N = /);
  });

  it('speaks Spanish when the user does', async () => {
    const io = capture('es');
    expect(await main(['estimate', three, '--criterion', 'aic'], io)).toBe(0);
    expect(io.lines[0]).toBe('Casos documentados (en al menos una lista): 163');
    expect(io.lines.join('\n')).toContain('Mejores modelos (AIC):');
  });

  it('runs LCMCR as several chains by default and shows their diagnostics (human and JSON)', async () => {
    const io = capture('en');
    expect(await main(['estimate', three, '--method', 'lcmcr', '--seed', '3', '--burn-in', '300', '--samples', '100', '--thinning', '2', '--K', '5', '--max-iterations', '500'], io)).toBe(0);
    const text = io.lines.join('\n');
    expect(text).toMatch(/LCMCR chains: 4 \(seeds 3 onwards\), 500 iterations each; pooled effective sample size \d+ \(target 400\), split R-hat [\d.]+ \(needed below 1\.01\); medians per chain \d+, \d+, \d+, \d+\./);
    expect(text).toMatch(/Stopped at the cap before the chains agreed\.|The chains agree\./);
    const js = capture('es');
    expect(await main(['estimate', three, '--json', '--method', 'lcmcr', '--seed', '3', '--burn-in', '300', '--samples', '100', '--thinning', '2', '--K', '5', '--chains', '2', '--max-iterations', '500'], js)).toBe(0);
    const out = JSON.parse(js.lines.join('\n')) as { lcmcr: { chains: { count: number; rhat: number | null; iterationsPerChain: number; stoppedAtCap: boolean; medians: number[] }; trace: number[] } };
    expect(out.lcmcr.chains).toMatchObject({ count: 2, iterationsPerChain: 500 });
    expect(out.lcmcr.chains.medians).toHaveLength(2);
    expect(out.lcmcr.trace).toHaveLength(2 * 100);
    const one = capture('en');
    expect(await main(['estimate', three, '--method', 'lcmcr', '--seed', '3', '--burn-in', '300', '--samples', '100', '--thinning', '2', '--K', '5', '--chains', '1'], one)).toBe(0);
    expect(one.lines.join('\n')).not.toContain('LCMCR chains:');
    expect(await main(['estimate', three, '--method', 'lcmcr', '--chains', '0'], capture('en'))).toBe(2);
  });

  it('--json gives per method observed, estimate, lower, upper, model and settings', async () => {
    const io = capture('en');
    expect(await main(['estimate', three, '--json', '--method', 'all', '--seed', '7', '--burn-in', '500', '--samples', '200', '--thinning', '2', '--K', '5'], io)).toBe(0);
    const out = JSON.parse(io.lines.join('\n')) as { observed: number; methods: { method: string; observed: number; estimate: number; lower: number; upper: number; model: string; settings: Record<string, unknown> }[] };
    expect(out.observed).toBe(163);
    expect(out.methods.map((m) => m.method)).toEqual(['loglinear', 'loglinear-averaged', 'lcmcr']);
    for (const m of out.methods) {
      expect(m.observed).toBe(163);
      expect(m.lower).toBeLessThanOrEqual(m.estimate);
      expect(m.upper).toBeGreaterThanOrEqual(m.estimate);
    }
    expect(out.methods[2]!.settings).toMatchObject({ K: 5, burnIn: 500, samples: 200, thinning: 2, seed: 7 });
    const het = (out as unknown as { heterogeneity: { name: string; estimate: number; df: number }[] }).heterogeneity;
    expect(het.map((m) => m.name)).toContain('Mth Gamma3.5');
    expect(het).toHaveLength(8);
    const labelled = out as unknown as {
      toolVersion: string;
      inputHash: string;
      recommended: { method: string; reasons: { key: string; message: string }[] };
      methods: { interval: string; stderr: number }[];
    };
    expect(labelled.methods.map((m) => m.interval)).toEqual(['profile', 'model-average', 'credible']);
    for (const m of labelled.methods) expect(m.stderr).toBeGreaterThan(0);
    expect(labelled.toolVersion).toMatch(/^atalaya \d+\.\d+\.\d+/);
    expect(labelled.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(['loglinear', 'loglinear-averaged', 'lcmcr']).toContain(labelled.recommended.method);
    expect(labelled.recommended.reasons[0]!.message.length).toBeGreaterThan(20);
  });

  it('two lists: Chapman recommended, and the profile interval beside the log-normal one', async () => {
    const io = capture('en');
    expect(await main(['estimate', csv('two.csv', 'A,B,count\n1,0,60\n0,1,40\n1,1,20\n'), '--json'], io)).toBe(0);
    const out = JSON.parse(io.lines.join('\n')) as {
      recommended: { method: string };
      methods: { method: string; interval: string; otherIntervals?: { interval: string; lower: number; upper: number }[] }[];
    };
    expect(out.recommended.method).toBe('chapman');
    const lp = out.methods.find((m) => m.method === 'lincoln-petersen')!;
    expect(lp.interval).toBe('log-normal');
    // The two-list profile interval checked against a grid search in loglinear.model.test.ts.
    expect(lp.otherIntervals![0]!.interval).toBe('profile');
    expect(lp.otherIntervals![0]!.lower).toBeCloseTo(181.7, 1);
    expect(lp.otherIntervals![0]!.upper).toBeCloseTo(338.6, 1);
    const human = capture('es');
    expect(await main(['estimate', join(dir, 'two.csv')], human)).toBe(0);
    expect(human.lines.join('\n')).toMatch(/también el intervalo de verosimilitud perfil: de [\d.]+ a [\d.]+/);
  });

  it('refuses a bad file with line and column, and exits 2', async () => {
    const io = capture('en');
    const bad = csv('bad.csv', 'A,B,count\n1,0,3\n1,0,4\n');
    expect(await main(['estimate', bad], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('Line 3: the pattern 10 was already given on line 2');
  });

  it('refuses bad options and a missing file', async () => {
    const io = capture('en');
    expect(await main(['estimate', three, '--method', 'magic'], io)).toBe(2);
    expect(await main(['estimate', three, '--K', '0'], io)).toBe(2);
    expect(await main(['estimate'], io)).toBe(2);
    expect(await main(['estimate', join(dir, 'absent.csv')], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/"magic" is not one of loglinear, lcmcr, all[\s\S]*"0" is not a whole number[\s\S]*Give the CSV file[\s\S]*cannot be read/);
  });
});
