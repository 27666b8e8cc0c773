/** Reading a link config and planning the blocking before any pair is generated. */
import { AppError } from '../shared/errors.js';
import { newKeyCache, planBlocking, type BlockingRule, type KeyCache, type LinkMode } from './blocking.pairs.js';
import { comparisonColumns, type LinkRecord } from './comparisons.levels.js';
import { linkConfigSchema, type LinkConfig, type LinkConfigInput } from './link-config.schema.js';
import type { LinkOptions, LinkWarning } from './linkage.types.js';

/** Parses a config (already JSON-decoded); zod's messages name each bad field. */
export function parseLinkConfig(input: unknown): LinkConfig {
  const r = linkConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError('validation', {
    issues: r.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      key: 'linkage:config_issue',
      message: i.message,
    })),
  });
}

function inputColumns(records: readonly LinkRecord[]): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const r of records) {
    if (seen.has(r.source)) continue;
    seen.add(r.source);
    for (const k of Object.keys(r.fields)) out.add(k);
  }
  return out;
}

/** Checks the columns and counts the candidate pairs of each rule without generating any. */
export function planLinkage(
  records: readonly LinkRecord[],
  configInput: LinkConfigInput | LinkConfig,
  options: LinkOptions = {},
): { config: LinkConfig; mode: LinkMode; plan: BlockingRule[]; trainingPlan?: BlockingRule[]; warnings: LinkWarning[] } {
  const config = parseLinkConfig(configInput);
  const columns = options.columns ? new Set(options.columns) : inputColumns(records);
  const issues: AppError['issues'] = [];
  config.comparisons.forEach((c, idx) => {
    for (const col of comparisonColumns(c)) {
      if (!columns.has(col)) {
        issues.push({ path: ['comparisons', idx, c.name], key: 'linkage:missing_column', values: { column: col } });
      }
    }
    const levels = comparisonLevels(c);
    for (const which of ['m', 'u'] as const) {
      const fixed = c[which];
      if (fixed && fixed.length !== levels - 1) {
        issues.push({
          path: ['comparisons', idx, which],
          key: 'linkage:fixed_levels',
          values: { expected: levels - 1, got: fixed.length },
        });
      }
    }
  });
  if (issues.length) throw new AppError('bad_input', { issues });
  const sources = new Set(records.map((r) => r.source)).size;
  const mode = options.mode ?? (sources >= 2 ? 'link' : 'dedupe');
  const cache: KeyCache = newKeyCache(new Map(config.comparisons.flatMap((c) => (c.type === 'date' ? [[c.column, c.dayMonthOrder] as const] : []))));
  const plan = planBlocking(records, config.blocking, { mode, maxPairs: config.maxPairs, columns, cache });
  if (!config.training) return { config, mode, plan, warnings: sparseKeyWarnings(plan, records.length) };
  const trainingPlan = planBlocking(records, config.training, {
    mode,
    maxPairs: config.maxPairs,
    columns,
    path: 'training',
    cache,
  });
  return { config, mode, plan, trainingPlan, warnings: sparseKeyWarnings([...plan, ...trainingPlan], records.length) };
}

/**
 * A rule whose keys are missing for most records (year(date_of_birth) on values that are not
 * dates, a misspelt column that happens to exist) pairs almost nothing and says nothing: say it.
 */
function sparseKeyWarnings(rules: readonly BlockingRule[], records: number): LinkWarning[] {
  return rules
    .filter((r) => r.keyed * 2 < records)
    .map((r) => ({ key: 'linkage:warn_rule_keys_few', values: { rule: r.name, keyed: r.keyed, records } }));
}

/** Number of levels (null included) a comparison config yields; matches comparisons.levels.ts. */
export function comparisonLevels(c: LinkConfig['comparisons'][number]): number {
  switch (c.type) {
    case 'exact':
      return 3;
    case 'string':
      return 3 + c.thresholds.length;
    case 'name':
      return 5 + c.thresholds.length;
    case 'date':
      return 4 + c.withinDays.length;
    case 'subdivision':
    case 'category':
      return 4;
  }
}
