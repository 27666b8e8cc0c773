/**
 * `atalaya estimate TABLE.csv`: multiple systems estimation from a capture-history table.
 * Human output puts the documented count first, then each estimate with its interval, the model and
 * why it was chosen, the best models, the warnings and the assumptions; `--json` prints the same facts
 * for machines. Long LCMCR runs go to a worker thread and draw progress on a terminal.
 */
import { readFile } from 'node:fs/promises';
import {
  addLcmcr,
  estimateWithoutLcmcr,
  guidanceKeys,
  lcmcrWork,
  parseCaptureCsv,
  resolveChainOptions,
  resolveLcmcrSettings,
  runLcmcrDefault,
  runLcmcrInWorker,
  wantsLcmcr,
  type EstimateMethod,
  type EstimateReport,
  type EstimateWarning,
  type LcmcrProgress,
} from '../estimate/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

/** Runs above this many elementary steps (about a second here) go to a worker thread. */
const WORKER_THRESHOLD = 5e7;

function badOption(option: string, key: string, values: Record<string, string | number>): AppError {
  return new AppError('bad_input', { issues: [{ path: [], key: `estimate:errors.${key}`, values: { option, ...values } }] });
}

function intOption(raw: string | undefined, name: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) throw badOption(`--${name}`, 'option_integer', { value: raw, min });
  return Number(raw);
}

function numOption(raw: string | undefined, name: string, test: (v: number) => boolean, range: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !test(v)) throw badOption(`--${name}`, 'option_number', { value: raw, range });
  return v;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const s = (arg: string) => ({ type: 'string', arg, help: 'cli:opt.estimate' }) as const;
  const parsed = parseCommand(
    io,
    'estimate',
    {
      summary: 'cli:commands.estimate',
      after: 'estimate:cli.usage',
      args: ['[table]'],
      options: {
        method: s('loglinear|lcmcr|all'),
        criterion: s('bic|aic'),
        seed: s('n'),
        K: s('n'),
        'burn-in': s('n'),
        samples: s('n'),
        thinning: s('n'),
        a: s('x'),
        b: s('x'),
        chains: s('n'),
        'max-iterations': s('n'),
        level: s('0.95'),
        top: s('n'),
        json: { type: 'boolean', help: 'cli:opt.json' },
      },
    },
    argv,
  );
  if (!parsed.ok) return parsed.code;
  const values = parsed.values as Record<string, string | undefined> & { json?: boolean };
  const { positionals } = parsed;
  const file = positionals[0];
  if (!file) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.no_file' }] });
  const method = (values.method ?? 'loglinear') as EstimateMethod;
  if (!['loglinear', 'lcmcr', 'all'].includes(method)) throw badOption('--method', 'option_choice', { value: String(values.method), choices: 'loglinear, lcmcr, all' });
  const criterion = values.criterion ?? 'bic';
  if (criterion !== 'bic' && criterion !== 'aic') throw badOption('--criterion', 'option_choice', { value: criterion, choices: 'bic, aic' });
  const level = numOption(values.level, 'level', (v) => v > 0 && v < 1, '(0, 1)') ?? 0.95;
  const top = intOption(values.top, 'top', 1) ?? 5;
  const lcmcr = Object.fromEntries(
    Object.entries({
      seed: intOption(values.seed, 'seed', -(2 ** 31)),
      K: intOption(values.K, 'K', 1),
      burnIn: intOption(values['burn-in'], 'burn-in', 0),
      samples: intOption(values.samples, 'samples', 1),
      thinning: intOption(values.thinning, 'thinning', 1),
      a: numOption(values.a, 'a', (v) => v > 0, '> 0'),
      b: numOption(values.b, 'b', (v) => v > 0, '> 0'),
    }).filter(([, v]) => v !== undefined),
  );

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.read_failed', values: { file } }], cause: e });
  }
  const table = parseCaptureCsv(text);
  const chainOptions = Object.fromEntries(
    Object.entries({ chains: intOption(values.chains, 'chains', 1), maxIterations: intOption(values['max-iterations'], 'max-iterations', 1) }).filter(([, v]) => v !== undefined),
  );
  const options = { method, criterion: criterion as 'bic' | 'aic', level, top, lcmcr, chains: chainOptions };
  const settings = wantsLcmcr(table, options) ? resolveLcmcrSettings(lcmcr, level) : null;
  const chains = settings ? resolveChainOptions(chainOptions) : null;
  const report = estimateWithoutLcmcr(table, options);
  if (settings && chains) {
    const progress = io.tty && !values.json ? drawProgress(io) : undefined;
    // The default run: several chains continued until pooled ESS and split R̂ pass (lcmcr.chains.ts).
    const result =
      lcmcrWork(table, settings, chains.chains) > WORKER_THRESHOLD
        ? await runLcmcrInWorker(table, settings, progress, chains)
        : runLcmcrDefault(table, settings, chains, progress);
    if (progress) io.err('');
    addLcmcr(report, result);
  }
  if (values.json) io.out(JSON.stringify(toJson(report, io.lang), null, 2));
  else printReport(report, io);
  return 0;
}

function drawProgress(io: CliIO): (p: LcmcrProgress) => void {
  let last = -1;
  return (p) => {
    const pct = Math.floor((100 * p.iteration) / p.total);
    if (pct === last) return;
    last = pct;
    process.stderr.write(`\r${t(io.lang, 'estimate:cli.progress', { pct, phase: t(io.lang, `estimate:cli.phase.${p.phase}`) })}   `);
  };
}

function renderWarning(w: EstimateWarning, lang: Lang): string {
  const values: Record<string, string | number> = { ...w.values };
  if (typeof values.method === 'string') values.method = t(lang, `estimate:cli.method.${values.method}`);
  return t(lang, `estimate:${w.key}`, values);
}

/** Machine-readable: per method observed, estimate, lower, upper, model and settings; then details. */
export function toJson(report: EstimateReport, lang: Lang): unknown {
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const recommended = report.recommended && {
    method: report.recommended.method,
    reasons: report.recommended.reasons.map((w) => ({ ...w, message: renderWarning(w, lang) })),
  };
  return {
    toolVersion: report.toolVersion,
    inputHash: report.inputHash,
    observed: report.observed,
    recommended,
    lists: report.lists,
    listTotals: report.listTotals,
    level: report.level,
    methods: report.methods.map((m) => ({
      ...m,
      lower: finite(m.lower),
      upper: finite(m.upper),
      ...(m.otherIntervals ? { otherIntervals: m.otherIntervals.map((o) => ({ ...o, lower: finite(o.lower), upper: finite(o.upper) })) } : {}),
    })),
    loglinear: report.loglinear && {
      criterion: report.loglinear.criterion,
      search: report.loglinear.search,
      modelsFitted: report.loglinear.modelsFitted,
      modelsUsable: report.loglinear.modelsUsable,
      margin: report.loglinear.margin,
      best: report.loglinear.best.map((m) => ({ ...m, lower: m.lower === null ? null : finite(m.lower), upper: m.upper === null ? null : finite(m.upper) })),
      averaged: report.loglinear.averaged,
    },
    lcmcr: report.lcmcr && {
      estimate: report.lcmcr.estimate,
      lower: report.lcmcr.lower,
      upper: report.lcmcr.upper,
      mean: report.lcmcr.mean,
      effectiveSampleSize: report.lcmcr.effectiveSampleSize,
      geweke: finite(report.lcmcr.geweke),
      classesUsed: report.lcmcr.classesUsed,
      chains: report.lcmcr.chains && { ...report.lcmcr.chains, rhat: finite(report.lcmcr.chains.rhat) },
      iterationsPerSecond: report.lcmcr.iterationsPerSecond,
      settings: report.lcmcr.settings,
      trace: report.lcmcr.trace,
    },
    heterogeneity: report.heterogeneity?.map((m) => ({ ...m, estimate: finite(m.estimate), stderr: finite(m.stderr) })),
    twoList: report.twoList,
    warnings: report.warnings.map((w) => ({ ...w, message: renderWarning(w, lang) })),
    assumptions: guidanceKeys.map((k) => t(lang, `estimate:${k}`)),
  };
}

function printReport(report: EstimateReport, io: CliIO): void {
  const lang = io.lang;
  const locale = lang === 'es' ? 'es-VE' : 'en-GB';
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const two = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const upperText = (v: number | null): string => (v === null ? t(lang, 'estimate:cli.not_computed') : Number.isFinite(v) ? whole.format(v) : t(lang, 'estimate:cli.infinite'));
  const modelText = (name: string): string => (name === 'independence' ? t(lang, 'estimate:cli.independence') : name);
  const lowerText = (v: number | null): string => (v === null || !Number.isFinite(v) ? t(lang, 'estimate:cli.not_computed') : whole.format(v));

  io.out(t(lang, 'estimate:cli.documented', { n: whole.format(report.observed) }));
  io.out(t(lang, 'estimate:cli.lists', { lists: report.lists.map((l, j) => `${l} (${whole.format(report.listTotals[j]!)})`).join(', ') }));
  io.out('');
  io.out(t(lang, 'estimate:cli.estimates', { level: one.format(report.level * 100) }));
  const kindText = (k: string): string => t(lang, `estimate:interval_kind.${k}`);
  for (const m of report.methods) {
    const values = {
      method: t(lang, `estimate:cli.method.${m.method}`),
      estimate: whole.format(m.estimate),
      stderr: m.stderr === null || !Number.isFinite(m.stderr) ? t(lang, 'estimate:cli.not_computed') : one.format(m.stderr),
      kind: kindText(m.interval),
      lower: lowerText(m.lower),
      upper: upperText(m.upper),
      model: modelText(m.model ?? ''),
    };
    io.out(t(lang, m.model && m.method === 'loglinear' ? 'estimate:cli.line_model' : 'estimate:cli.line', values));
    for (const o of m.otherIntervals ?? []) io.out(t(lang, 'estimate:cli.other_interval', { kind: kindText(o.interval), lower: lowerText(o.lower), upper: upperText(o.upper) }));
  }
  const rec = report.recommended;
  const recMethod = rec && report.methods.find((m) => m.method === rec.method);
  if (rec && recMethod) {
    io.out('');
    io.out(
      t(lang, 'estimate:cli.recommended', {
        method: t(lang, `estimate:cli.method.${rec.method}`),
        estimate: whole.format(recMethod.estimate),
        kind: kindText(recMethod.interval),
        lower: lowerText(recMethod.lower),
        upper: upperText(recMethod.upper),
      }),
    );
    for (const r of rec.reasons) io.out(`  ${renderWarning(r, lang)}`);
  }
  const ll = report.loglinear;
  if (ll?.chosen) {
    const crit = ll.criterion.toUpperCase();
    io.out('');
    io.out(t(lang, 'estimate:cli.chosen', {
        model: modelText(ll.chosen.name),
        criterion: crit,
        usable: ll.modelsUsable,
        fitted: ll.modelsFitted,
        search: t(lang, `estimate:cli.search.${ll.search}`),
      }));
    if (ll.margin !== null) io.out(t(lang, 'estimate:cli.margin', { margin: two.format(ll.margin), criterion: crit }));
    io.out(t(lang, 'estimate:cli.best_header', { criterion: crit }));
    for (const m of ll.best)
      io.out(
        t(lang, 'estimate:cli.best_row', {
          model: modelText(m.name),
          estimate: whole.format(m.estimate),
          stderr: one.format(m.stderr),
          lower: lowerText(m.lower),
          upper: upperText(m.upper),
          deviance: two.format(m.deviance),
          df: m.df,
          aic: two.format(m.aic),
          bic: two.format(m.bic),
          weight: two.format(m.weight),
        }),
      );
  }
  if (report.heterogeneity?.length) {
    io.out('');
    io.out(t(lang, 'estimate:cli.heterogeneity_header'));
    for (const m of report.heterogeneity)
      io.out(
        t(lang, m.flag === 'ok' ? 'estimate:cli.heterogeneity_row' : 'estimate:cli.heterogeneity_row_flagged', {
          model: m.name,
          estimate: Number.isFinite(m.estimate) ? whole.format(m.estimate) : t(lang, 'estimate:cli.infinite'),
          stderr: Number.isFinite(m.stderr) ? one.format(m.stderr) : t(lang, 'estimate:cli.not_computed'),
          deviance: two.format(m.deviance),
          df: m.df,
          aic: two.format(m.aic),
          bic: two.format(m.bic),
          flag: t(lang, `estimate:cli.heterogeneity_flag.${m.flag}`),
        }),
      );
  }
  const lc = report.lcmcr;
  if (lc) {
    const s = lc.settings;
    io.out('');
    io.out(
      t(lang, 'estimate:cli.lcmcr_diagnostics', {
        K: s.K,
        burnIn: s.burnIn,
        samples: s.samples,
        thinning: s.thinning,
        a: s.a,
        b: s.b,
        seed: s.seed,
        ess: whole.format(lc.effectiveSampleSize),
        geweke: two.format(lc.geweke),
        classes: one.format(lc.classesUsed),
        speed: whole.format(lc.iterationsPerSecond),
      }),
    );
    const c = lc.chains;
    if (c && c.count > 1)
      io.out(
        t(lang, 'estimate:cli.lcmcr_chains', {
          chains: c.count,
          seed: s.seed,
          iterations: whole.format(c.iterationsPerChain),
          ess: whole.format(lc.effectiveSampleSize),
          target: whole.format(c.targetEss),
          rhat: Number.isFinite(c.rhat) ? new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(c.rhat) : t(lang, 'estimate:cli.not_computed'),
          maxRhat: two.format(c.maxRhat),
          medians: c.medians.map((m) => whole.format(m)).join(', '),
          verdict: t(lang, `estimate:cli.lcmcr_verdict.${c.converged ? 'converged' : 'cap'}`),
        }),
      );
    const step = Math.max(1, Math.ceil(lc.trace.length / 20));
    io.out(t(lang, 'estimate:cli.lcmcr_trace', { step, trace: lc.trace.filter((_, i) => i % step === 0).map((v) => whole.format(v)).join(' ') }));
  }
  if (report.warnings.length) {
    io.out('');
    io.out(t(lang, 'estimate:cli.warnings'));
    for (const w of report.warnings) io.out(`  - ${renderWarning(w, lang)}`);
  }
  io.out('');
  io.out(t(lang, 'estimate:cli.assumptions'));
  for (const k of guidanceKeys) io.out(`  - ${t(lang, `estimate:${k}`)}`);
  io.out('');
  io.out(t(lang, 'estimate:cli.provenance', { version: report.toolVersion, hash: report.inputHash }));
}
