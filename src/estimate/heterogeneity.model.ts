/**
 * Heterogeneity models Mh and Mth (Rcapture's `closedp.t`; Rivest & Baillargeon 2007, J. Stat.
 * Software 19(5) §2; Rivest 2011, Int. J. Biostat. 7(1)): log-linear models in which the chance of
 * being listed varies between units, not only between lists. With k(x) the number of lists that
 * saw pattern x, the expected count of x is
 *
 *   Mh:  log μ_x = β0 + β·k(x)            + heterogeneity(k(x))   (lists alike)
 *   Mth: log μ_x = β0 + Σ_j β_j x_j       + heterogeneity(k(x))   (lists differ)
 *
 * and the unseen units are exp(β0) (every heterogeneity term is 0 at k = 0). The heterogeneity term:
 *   chao     Chao's lower bound (Rivest 2011 "LB"): a free η_k for each k ≥ 3, so only the units seen
 *            once or twice inform the unseen; for Mh it is exactly Chao's (1987) (t−1)/t · f1²/(2 f2).
 *   poisson  η (2^k − 1)       (a Poisson(σ²)-distributed visibility on the log scale, a = 2)
 *   darroch  η k²/2            (Darroch et al. 1993: normal visibility on the logit scale)
 *   gamma    η (−log(1 + k/a)), a = 3.5, i.e. log a − log(a + k) shifted to 0 at k = 0 (gamma-
 *            distributed visibility; Rcapture's default a)
 * For poisson, darroch and gamma, η is a variance and cannot be negative: a negative η̂ means the
 * data show no heterogeneity of that shape (Rcapture then refits without it, i.e. M0 or Mt); the fit
 * is flagged `eta_negative` and should not be used. Assumptions: a closed population; lists
 * independent *given* each unit's visibility (heterogeneity is the only dependence these models
 * allow); the heterogeneity has the assumed shape. Fitted by the same IRLS as the interaction models.
 */
import { observedTotal, type CaptureTable } from './capture-history.table.js';
import { fitPoissonGlm, poissonLogLik } from './loglinear.model.js';

export type HeterogeneityBase = 'Mh' | 'Mth';
export type HeterogeneityKind = 'chao' | 'poisson' | 'darroch' | 'gamma';
export const heterogeneityKinds: readonly HeterogeneityKind[] = ['chao', 'poisson', 'darroch', 'gamma'];

export interface HeterogeneityFit {
  /** As Rcapture prints it, e.g. "Mth Darroch". */
  name: string;
  base: HeterogeneityBase;
  kind: HeterogeneityKind;
  estimate: number;
  stderr: number;
  deviance: number;
  df: number;
  parameters: number;
  aic: number;
  bic: number;
  /** Heterogeneity parameter(s): one η, or η_3 … η_t for chao. */
  eta: number[];
  flag: 'ok' | 'eta_negative' | 'singular' | 'not_converged' | 'infinite';
}

const label: Record<HeterogeneityKind, string> = { chao: 'Chao (LB)', poisson: 'Poisson2', darroch: 'Darroch', gamma: 'Gamma3.5' };

function tau(kind: Exclude<HeterogeneityKind, 'chao'>, k: number): number {
  if (kind === 'poisson') return 2 ** k - 1;
  if (kind === 'darroch') return (k * k) / 2;
  return -Math.log(1 + k / 3.5);
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** Design matrix rows for the observed cells 1 … 2^t − 1 (row-major). */
export function heterogeneityDesign(t: number, base: HeterogeneityBase, kind: HeterogeneityKind): { x: Float64Array; p: number; rows: number } {
  const rows = (1 << t) - 1;
  const het = kind === 'chao' ? Math.max(0, t - 2) : 1;
  const p = 1 + (base === 'Mh' ? 1 : t) + het;
  const x = new Float64Array(rows * p);
  for (let c = 1; c <= rows; c++) {
    const r = (c - 1) * p;
    const k = popcount(c);
    x[r] = 1;
    let col = 1;
    if (base === 'Mh') x[r + col++] = k;
    else for (let j = 0; j < t; j++) x[r + col++] = c & (1 << j) ? 1 : 0;
    if (kind === 'chao') for (let m = 3; m <= t; m++) x[r + col++] = k === m ? 1 : 0;
    else x[r + col++] = tau(kind, k);
  }
  return { x, p, rows };
}

export function fitHeterogeneityModel(table: CaptureTable, base: HeterogeneityBase, kind: HeterogeneityKind): HeterogeneityFit {
  const t = table.lists.length;
  if (t < 3) throw new RangeError('heterogeneity models need at least three lists');
  const { x, p, rows } = heterogeneityDesign(t, base, kind);
  const y = Array.from({ length: rows }, (_, i) => table.counts[i + 1]!);
  const n = observedTotal(table);
  const fit = fitPoissonGlm(x, rows, p, y);
  const n0 = Math.exp(fit.beta[0]!);
  const var0 = fit.cov ? fit.cov[0]! : NaN;
  const ll = poissonLogLik(y, fit.mu);
  const eta = Array.from(fit.beta.slice(p - (kind === 'chao' ? Math.max(0, t - 2) : 1)));
  let flag: HeterogeneityFit['flag'] = 'ok';
  if (!fit.cov) flag = 'singular';
  else if (!fit.converged) flag = 'not_converged';
  else if (!Number.isFinite(n0) || n0 > 1e6 * Math.max(n, 1) || !(Math.sqrt(var0) < 10)) flag = 'infinite';
  else if (kind !== 'chao' && eta[0]! < 0) flag = 'eta_negative';
  return {
    name: `${base} ${label[kind]}`,
    base,
    kind,
    estimate: n + n0,
    stderr: Math.sqrt(n0 + n0 * n0 * var0),
    deviance: fit.deviance,
    df: rows - p,
    parameters: p,
    aic: -2 * ll + 2 * p,
    bic: -2 * ll + p * Math.log(n),
    eta,
    flag,
  };
}

/** The eight models Rcapture's closedp.t adds to M0/Mt: Mh and Mth with each heterogeneity shape. */
export function fitHeterogeneityModels(table: CaptureTable): HeterogeneityFit[] {
  const out: HeterogeneityFit[] = [];
  for (const base of ['Mh', 'Mth'] as const) for (const kind of heterogeneityKinds) out.push(fitHeterogeneityModel(table, base, kind));
  return out;
}
