import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function capture(lang: 'es' | 'en', env: NodeJS.ProcessEnv): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), lang, env, tty: false, lines, errors };
}

describe('atalaya count and demo --synthetic', () => {
  // An embedded database in a fresh folder, as a user would have it.
  const env = { ATALAYA_DATA: mkdtempSync(join(tmpdir(), 'atalaya-count-')), ATALAYA_MASTER_KEY: randomBytes(32).toString('base64'), ATALAYA_LOG_LEVEL: 'silent' };

  it('loads synthetic incidents, then counts them by year and country with the unit stated', async () => {
    const load = capture('en', env);
    expect(await main(['demo', '--synthetic', '200', '--seed', '4'], load)).toBe(0);
    expect(load.lines.join('\n')).toMatch(/Synthetic data: 200 incidents/);
    const io = capture('en', env);
    expect(await main(['count', '--by', 'year,country', '--unit', 'acts', '--where', 'country=VE', '--from', '2019', '--to', '2020', '--org', 'observatorio-demo'], io)).toBe(0);
    const out = io.lines.join('\n').split('\n');
    expect(out[0]).toBe('period,country,acts');
    const rows = out.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(['2019', '2020']);
    expect(rows.every((r) => r[1] === 'VE' && Number(r[2]) > 0)).toBe(true);
    expect(io.errors.join('\n')).toContain('Unit of count: acts');
    const json = capture('en', env);
    expect(await main(['count', '--by', 'visibility', '--unit', 'incidents', '--org', 'observatorio-demo', '--format', 'json'], json)).toBe(0);
    const parsed = JSON.parse(json.lines.join('\n')) as { unit: string; rows: { count: number }[] };
    expect(parsed.unit).toBe('incidents');
    // 200 synthetic + the incidents of the demo organisation's own data set (some belong to the partner).
    expect(parsed.rows.reduce((s, r) => s + r.count, 0)).toBeGreaterThanOrEqual(200);
  }, 120_000);

  it('asks which organisation when there are several, and names every bad argument', async () => {
    const io = capture('es', env);
    expect(await main(['count', '--by', 'year'], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('--org');
    const bad = capture('en', env);
    expect(await main(['count', '--by', 'year,colour', '--unit', 'people', '--where', 'act_type=flying'], bad)).toBe(2);
    const text = bad.errors.join('\n');
    expect(text).toContain('"people" is not a unit of count');
    expect(text).toContain('"colour" is not something to count by');
    expect(text).toContain('"flying" is not a known code for act_type');
  });
});
