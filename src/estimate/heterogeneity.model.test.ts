/**
 * Mh/Mth heterogeneity models: Chao's lower bound against its closed form (Chao 1987), and every
 * model against an independent fit by base R's glm on generated tables (skipped, saying so, where
 * `Rscript` is absent; .ci/run installs r-base-core).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observedTotal, type CaptureTable } from './capture-history.table.js';
import { simulateTable } from './capture-simulation.js';
import { fitHeterogeneityModel, fitHeterogeneityModels, heterogeneityKinds } from './heterogeneity.model.js';
import { fitModel } from './loglinear.model.js';

const popcount = (x: number): number => (x ? (x & 1) + popcount(x >>> 1) : 0);

describe('heterogeneity models (Mh, Mth)', () => {
  it("Mh Chao (LB) is Chao's (1987) lower bound n + (t−1)/t · f1²/(2 f2)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 5 }).chain((t) => fc.array(fc.integer({ min: 1, max: 200 }), { minLength: (1 << t) - 1, maxLength: (1 << t) - 1 }).map((c) => ({ t, c }))), ({ t, c }) => {
        const table: CaptureTable = { lists: Array.from({ length: t }, (_, j) => `L${j}`), counts: [0, ...c] };
        const f = [0, 0, 0];
        for (let x = 1; x < table.counts.length; x++) if (popcount(x) <= 2) f[popcount(x)]! += table.counts[x]!;
        const chao = observedTotal(table) + ((t - 1) / t) * (f[1]! ** 2 / (2 * f[2]!));
        const fit = fitHeterogeneityModel(table, 'Mh', 'chao');
        expect(fit.flag).toBe('ok');
        expect(fit.estimate).toBeCloseTo(chao, 6);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses fewer than three lists, and names the models as Rcapture does', () => {
    expect(() => fitHeterogeneityModel({ lists: ['A', 'B'], counts: [0, 5, 6, 7] }, 'Mh', 'darroch')).toThrow(/three lists/);
    const t = simulateTable({ name: 'h', N: 1000, lists: 4, classes: [{ weight: 1, p: [0.3, 0.3, 0.3, 0.3] }] }, 1);
    expect(fitHeterogeneityModels(t).map((m) => m.name)).toEqual([
      'Mh Chao (LB)', 'Mh Poisson2', 'Mh Darroch', 'Mh Gamma3.5', 'Mth Chao (LB)', 'Mth Poisson2', 'Mth Darroch', 'Mth Gamma3.5',
    ]);
  });

  it('finds heterogeneity where there is some: on a two-class population Mth Darroch has η > 0 and lies above Mt', () => {
    const N = 5000;
    const t = simulateTable({ name: 'het', N, lists: 4, classes: [{ weight: 0.3, p: [0.5, 0.45, 0.5, 0.4] }, { weight: 0.7, p: [0.08, 0.1, 0.06, 0.1] }] }, 4);
    const mt = fitModel(t, []);
    const darroch = fitHeterogeneityModel(t, 'Mth', 'darroch');
    const lb = fitHeterogeneityModel(t, 'Mth', 'chao');
    expect(darroch.flag).toBe('ok');
    expect(darroch.eta[0]).toBeGreaterThan(0);
    expect(darroch.estimate).toBeGreaterThan(mt.estimate);
    expect(lb.estimate).toBeGreaterThan(mt.estimate);
    // Mt, which ignores heterogeneity, falls far short of N; the heterogeneity models less so.
    expect(N - darroch.estimate).toBeLessThan(N - mt.estimate);
  });
});

const R_SCRIPT = String.raw`
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
out <- character(0)
for (ln in lines) {
  f <- as.numeric(strsplit(ln, " ", fixed = TRUE)[[1]])
  t <- f[1]; counts <- f[-1]
  cells <- seq_len(2^t - 1)
  k <- sapply(cells, function(c) sum(bitwAnd(c, 2^(0:(t - 1))) > 0))
  lists <- sapply(0:(t - 1), function(j) as.numeric(bitwAnd(cells, 2^j) > 0))
  n <- sum(counts)
  for (base in c("Mh", "Mth")) for (kind in c("chao", "poisson", "darroch", "gamma")) {
    main <- if (base == "Mh") cbind(k) else lists
    het <- switch(kind,
      chao = sapply(3:t, function(m) as.numeric(k == m)),
      poisson = 2^k - 1,
      darroch = k^2 / 2,
      gamma = log(3.5) - log(3.5 + k))
    fit <- suppressWarnings(glm(counts ~ main + het, family = poisson(), control = glm.control(epsilon = 1e-13, maxit = 100)))
    out <- c(out, sprintf("%s %s %.10g %.10g", base, kind, n + exp(unname(coef(fit)[1])), deviance(fit)))
  }
}
writeLines(out)
`;

const hasR = spawnSync('Rscript', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasR) console.log('heterogeneity R cross-check skipped: Rscript is not installed (Debian package r-base-core).');

describe.skipIf(!hasR)("heterogeneity models against base R's glm", () => {
  it('every Mh/Mth model gives R’s estimate and deviance on generated 3-, 4- and 5-list tables', () => {
    const tables = [3, 4, 5].flatMap((t, i) =>
      [0, 1].map((r) =>
        simulateTable({ name: 'x', N: 3000, lists: t, classes: [{ weight: 0.35, p: Array.from({ length: t }, (_, j) => 0.35 + 0.05 * j) }, { weight: 0.65, p: Array.from({ length: t }, (_, j) => 0.12 - 0.01 * j) }] }, 100 + 10 * i + r),
      ),
    );
    const dir = mkdtempSync(join(tmpdir(), 'atalaya-het-'));
    try {
      const file = join(dir, 'tables.txt');
      writeFileSync(file, tables.map((tb) => [tb.lists.length, ...tb.counts.slice(1)].join(' ')).join('\n'));
      const script = join(dir, 'het.R');
      writeFileSync(script, R_SCRIPT);
      const r = spawnSync('Rscript', [script, file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout.trim().split('\n').map((l) => l.split(' '));
      let i = 0;
      for (const tb of tables)
        for (const base of ['Mh', 'Mth'] as const)
          for (const kind of heterogeneityKinds) {
            const [rb, rk, est, dev] = rows[i++]!;
            expect([rb, rk]).toEqual([base, kind]);
            const ours = fitHeterogeneityModel(tb, base, kind);
            expect(ours.estimate / Number(est)).toBeCloseTo(1, 6);
            expect(ours.deviance).toBeCloseTo(Number(dev), 5);
          }
      expect(i).toBe(rows.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
