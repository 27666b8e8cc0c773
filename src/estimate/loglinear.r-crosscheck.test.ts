/**
 * Cross-check of the log-linear fits against an independent implementation: base R's glm.fit
 * (poisson family, log link) on generated 3- and 4-list tables, for every hierarchical model the
 * search enumerates. For each usable model, R's estimate, deviance and both ends of the 95%
 * multinomial profile-likelihood interval must agree with ours. R computes its profile from R's own
 * start at every point, and finds the maximum and the ends with optimize and uniroot, so it shares
 * neither the warm starts nor the search of profileInterval.
 *
 * Needs `Rscript` (Debian package r-base-core; .ci/run installs it). Without it the block is skipped
 * and says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observedTotal, type CaptureTable } from './capture-history.table.js';
import { enumerateHierarchicalModels, fitModel, profileInterval } from './loglinear.model.js';
import { createRng, normal, poisson } from './random.sampler.js';

const R_SCRIPT = String.raw`
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
ctl <- glm.control(epsilon = 1e-13, maxit = 200)
design <- function(k, terms, cells) {
  cols <- c(0, 2^(0:(k - 1)), terms)
  m <- sapply(cols, function(t) as.numeric(bitwAnd(cells, t) == t))
  if (is.null(dim(m))) m <- matrix(m, nrow = length(cells))
  m
}
crit <- qchisq(0.95, 1) / 2
k <- 0; counts <- NULL; out <- character(0)
for (ln in lines) {
  f <- strsplit(ln, " ", fixed = TRUE)[[1]]
  if (f[1] == "T") { k <- as.integer(f[2]); counts <- as.numeric(f[-(1:2)]); next }
  id <- f[2]
  terms <- if (length(f) > 2) as.integer(f[-(1:2)]) else integer(0)
  n <- sum(counts)
  fit <- suppressWarnings(glm.fit(design(k, terms, seq_len(2^k - 1)), counts, family = poisson(), control = ctl))
  est <- n + exp(unname(coef(fit)[1]))
  X <- design(k, terms, 0:(2^k - 1))
  prof <- function(z) {
    y <- c(z, counts)
    mu <- suppressWarnings(glm.fit(X, y, family = poisson(), control = ctl))$fitted.values
    lgamma(n + z + 1) - lgamma(z + 1) + sum(y[y > 0] * log(mu[y > 0] / (n + z)))
  }
  z0 <- est - n
  hi <- max(2 * z0, 1)
  l0 <- prof(z0)
  while (prof(hi) > l0 - crit - 2 && hi < 1e7 * n) hi <- hi * 2
  opt <- optimize(prof, c(0, hi), maximum = TRUE, tol = 1e-9 * max(1, hi))
  g <- function(z) prof(z) - (opt$objective - crit)
  lower <- if (g(0) >= 0) 0 else uniroot(g, c(0, opt$maximum), tol = 1e-9 * max(1, opt$maximum))$root
  upper <- if (g(hi) >= 0) Inf else uniroot(g, c(opt$maximum, hi), tol = 1e-9 * hi)$root
  out <- c(out, sprintf("%s %.12g %.12g %.12g %.12g", id, est, fit$deviance, n + lower, n + upper))
}
writeLines(out)
`;

const hasR = spawnSync('Rscript', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasR) console.warn('R cross-check of the log-linear models skipped: Rscript not found (apt-get install r-base-core).');

/**
 * A table drawn from a log-linear model with random main effects and interactions of every order
 * below k. `base` sets the size of the cells: small bases give the sparse tables with strong
 * interactions where the profile search went wrong.
 */
function generatedTable(k: number, seed: number, base: number, spread: number): CaptureTable {
  const rng = createRng(seed);
  const beta = new Array<number>(1 << k).fill(0);
  for (let t = 1; t < (1 << k) - 1; t++) beta[t] = (t & (t - 1)) === 0 ? -1 + 0.8 * normal(rng) : spread * normal(rng);
  const counts = [0];
  for (let x = 1; x < 1 << k; x++) {
    let eta = Math.log(base);
    for (let t = 1; t < 1 << k; t++) if ((x & t) === t) eta += beta[t]!;
    counts.push(poisson(rng, Math.exp(eta)));
  }
  return { lists: Array.from({ length: k }, (_, j) => `L${j}`), counts };
}

interface Figures {
  estimate: number;
  deviance: number;
  lower: number;
  upper: number;
}

const tables: { name: string; table: CaptureTable }[] = [
  { name: '3 lists, large cells', table: generatedTable(3, 1, 600, 0.4) },
  { name: '3 lists, sparse', table: generatedTable(3, 7, 40, 0.8) },
  { name: '4 lists, large cells', table: generatedTable(4, 2, 600, 0.4) },
  { name: '4 lists, sparse with strong interactions', table: generatedTable(4, 13, 60, 0.8) },
];

describe.skipIf(!hasR)(`log-linear fits against base R's glm (${hasR ? 'Rscript found' : 'skipped: Rscript not found'})`, () => {
  const ours = new Map<string, Figures & { table: string; terms: number[] }>();
  const input: string[] = [];
  for (const { name, table } of tables) {
    const k = table.lists.length;
    input.push(`T ${k} ${table.counts.slice(1).join(' ')}`);
    let i = 0;
    enumerateHierarchicalModels(k, (terms) => {
      const id = `${k}.${input.length}.${i++}`;
      const f = fitModel(table, terms);
      // Models flagged as on the boundary, singular or unbounded are not reported with an interval.
      if (f.flag !== 'ok') return;
      const pi = profileInterval(table, terms, 0.95, f.estimate - observedTotal(table));
      ours.set(id, { table: name, terms, estimate: f.estimate, deviance: f.deviance, lower: pi.lower, upper: pi.upper });
      input.push(`M ${id} ${terms.join(' ')}`.trim());
    });
  }

  it('R fits every usable hierarchical model of 3 and 4 lists, and agrees on estimate, deviance and both profile ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atalaya-r-'));
    let stdout: string;
    try {
      writeFileSync(join(dir, 'crosscheck.R'), R_SCRIPT);
      writeFileSync(join(dir, 'models.txt'), input.join('\n') + '\n');
      const r = spawnSync('Rscript', ['--vanilla', join(dir, 'crosscheck.R'), join(dir, 'models.txt')], { encoding: 'utf8', timeout: 110_000 });
      expect(r.status, r.stderr).toBe(0);
      stdout = r.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const theirs = new Map<string, Figures>();
    for (const line of stdout.trim().split('\n')) {
      const [id, estimate, deviance, lower, upper] = line.split(' ');
      theirs.set(id!, { estimate: Number(estimate), deviance: Number(deviance), lower: Number(lower), upper: Number(upper) });
    }
    // Every table contributes (all 8 three-list models and most of the 113 four-list ones on large cells).
    expect(ours.size).toBeGreaterThan(150);
    expect(theirs.size).toBe(ours.size);
    const relative = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(b)));
    const disagreements: string[] = [];
    for (const [id, o] of ours) {
      const t = theirs.get(id)!;
      const off = {
        estimate: relative(o.estimate, t.estimate),
        deviance: Math.abs(o.deviance - t.deviance),
        lower: relative(o.lower, t.lower),
        upper: relative(o.upper, t.upper),
      };
      if (off.estimate > 1e-6 || off.deviance > 1e-6 || off.lower > 1e-5 || off.upper > 1e-5)
        disagreements.push(`${o.table}, terms ${o.terms.join(',') || 'none'}: ours ${fmt(o)}; R ${fmt(t)}`);
    }
    expect(disagreements).toEqual([]);
  }, 120_000);
});

const fmt = (f: Figures): string => `N̂ ${f.estimate.toFixed(3)}, deviance ${f.deviance.toFixed(5)}, interval ${f.lower.toFixed(3)}–${f.upper.toFixed(3)}`;
