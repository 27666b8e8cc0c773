/**
 * Validates escalation detection on synthetic monthly series with known change points.
 * `npm run bench -- escalation [reps=20] [replicates=999] [seed=1]`
 * Grid: length 24/60/120 months × base rate 1/5/20 × ratio 1/1.5/2/3 × Poisson or over-dispersed
 * (negative binomial, size 5: variance μ + μ²/5). The change sits uniformly in the middle half.
 */
import { createRng, detectEscalation, type EscalationResult } from '../src/trends/stats/index.js';

interface Row {
  n: number;
  base: number;
  ratio: number;
  od: boolean;
  tau: number;
  r: EscalationResult;
  ms: number;
}

function months(counts: number[]): { period: string; count: number }[] {
  return counts.map((count, i) => ({ period: `${2010 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, count }));
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1).padStart(5)}%`;
}

export default async function run(args: string[]): Promise<void> {
  const reps = Number(args[0] ?? 20);
  const replicates = Number(args[1] ?? 999);
  const seed = Number(args[2] ?? 1);
  const lengths = [24, 60, 120];
  const bases = [1, 5, 20];
  const ratios = [1, 1.5, 2, 3];
  const size = 5;
  const rng = createRng(seed);
  const rows: Row[] = [];
  const started = performance.now();
  let s = 0;
  for (const n of lengths)
    for (const base of bases)
      for (const ratio of ratios)
        for (const od of [false, true])
          for (let i = 0; i < reps; i++) {
            const tau = Math.floor(n / 4 + rng.uniform() * (n / 2));
            const counts = Array.from({ length: n }, (_, t) => {
              const mu = t < tau ? base : base * ratio;
              return od ? rng.poisson(rng.gamma(size) * (mu / size)) : rng.poisson(mu);
            });
            const t0 = performance.now();
            const r = detectEscalation(months(counts), { seed: seed * 100_000 + s++, replicates });
            rows.push({ n, base, ratio, od, tau, r, ms: performance.now() - t0 });
          }
  const total = (performance.now() - started) / 1000;

  const alpha = rows[0]!.r.alpha;
  console.log(`Escalation detection: ${rows.length} synthetic series, ${reps} per cell, ${replicates} bootstrap replicates, α = ${alpha}`);
  const group = (label: string, key: (r: Row) => string): void => {
    console.log(`\nDetection rate (share flagged) by ratio × ${label}`);
    const keys = [...new Set(rows.map(key))];
    console.log(`${'ratio'.padEnd(7)}${keys.map((k) => k.padStart(12)).join('')}${'all'.padStart(10)}`);
    for (const ratio of ratios) {
      const sel = rows.filter((r) => r.ratio === ratio);
      const cells = keys.map((k) => {
        const g = sel.filter((r) => key(r) === k);
        return pct(g.filter((r) => r.r.status === 'change').length / Math.max(1, g.length)).padStart(12);
      });
      console.log(`${String(ratio).padEnd(7)}${cells.join('')}${pct(sel.filter((r) => r.r.status === 'change').length / sel.length).padStart(10)}`);
    }
  };
  group('length (months)', (r) => `n=${r.n}`);
  group('base rate', (r) => `rate=${r.base}`);
  group('dispersion', (r) => (r.od ? 'NB(size 5)' : 'Poisson'));

  const nulls = rows.filter((r) => r.ratio === 1);
  const fa = nulls.filter((r) => r.r.status === 'change').length / nulls.length;
  const se = Math.sqrt((alpha * (1 - alpha)) / nulls.length);
  console.log(`\nFalse-alarm rate at ratio 1: ${pct(fa)} of ${nulls.length} (nominal ${pct(alpha)}, ±${pct(2 * se)} at 2 SE)`);
  for (const od of [false, true]) {
    const g = nulls.filter((r) => r.od === od);
    console.log(`  ${od ? 'over-dispersed' : 'Poisson       '}: ${pct(g.filter((r) => r.r.status === 'change').length / g.length)}`);
  }
  const insufficient = rows.filter((r) => r.r.status === 'insufficient_data').length;
  console.log(`Series answered "not enough data": ${insufficient}`);

  console.log('\nAmong detected changes (ratio > 1):');
  console.log(`${'ratio'.padEnd(7)}${'detected'.padStart(10)}${'MAE date'.padStart(10)}${'exact'.padStart(8)}${'±1'.padStart(8)}${'±1 of all'.padStart(11)}${'date CI cov'.padStart(13)}${'ratio CI cov'.padStart(14)}`);
  for (const ratio of ratios.filter((x) => x > 1)) {
    const d = rows.filter((r) => r.ratio === ratio && r.r.status === 'change' && r.r.direction === 'increase');
    const mae = d.reduce((a, r) => a + Math.abs(r.r.changeIndex! - r.tau), 0) / Math.max(1, d.length);
    const exact = d.filter((r) => r.r.changeIndex === r.tau).length / Math.max(1, d.length);
    const near = d.filter((r) => Math.abs(r.r.changeIndex! - r.tau) <= 1).length;
    const all = rows.filter((r) => r.ratio === ratio).length;
    const dcov = d.filter((r) => r.r.changeInterval!.fromIndex <= r.tau && r.tau <= r.r.changeInterval!.toIndex).length / Math.max(1, d.length);
    const rcov =
      d.filter((r) => r.r.rateRatioInterval!.lower <= ratio && (r.r.rateRatioInterval!.upper === null || ratio <= r.r.rateRatioInterval!.upper)).length /
      Math.max(1, d.length);
    console.log(`${String(ratio).padEnd(7)}${String(d.length).padStart(10)}${mae.toFixed(2).padStart(10)}${pct(exact).padStart(8)}${pct(near / Math.max(1, d.length)).padStart(8)}${pct(near / all).padStart(11)}${pct(dcov).padStart(13)}${pct(rcov).padStart(14)}`);
  }

  console.log('\nTime per series (ms, mean) by length:');
  for (const n of lengths) {
    const g = rows.filter((r) => r.n === n);
    console.log(`  n=${String(n).padEnd(4)} ${(g.reduce((a, r) => a + r.ms, 0) / g.length).toFixed(1)} ms`);
  }
  console.log(`Total ${total.toFixed(1)} s`);
}
