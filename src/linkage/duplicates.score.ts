/**
 * "Possible duplicate" while documenting (issue 17 §1): how alike a case being entered (the probe)
 * is to each candidate already held. The same comparisons as a linkage run (comparisons.levels.ts:
 * names folded for accents, case, particles and nicknames, Monge–Elkan over words; dates as the
 * interval their precision covers; states and their neighbours; act types and their parents), with
 * fixed m and u instead of EM: one probe against a few dozen candidates is too little to learn from.
 *
 * The fixed probabilities are a prior model written down as data (DESIGN.md §6). m is how often a
 * true duplicate falls in each level — set from how documenters re-enter a case (the same name,
 * maybe without accents or the second surname; the same day, or the month when the day was not
 * known; the same state); u how often two different cases of one organisation do, for a candidate
 * that blocking let through (within 60 days, or with the same name). duplicates.score.test.ts
 * measures the warning's precision and recall with them on generated duplicates.
 */
import { buildComparisons, type Comparison, type LinkRecord } from './comparisons.levels.js';
import { comparisonSchema, type ComparisonConfig } from './link-config.schema.js';

/** Fields of a probe or candidate record. Missing values weigh nothing (level "null"). */
export interface DuplicateFields {
  /** The victim's name, or one of its aliases (a candidate with aliases gives one record each). */
  victim_name?: string | null;
  /** YYYY, YYYY-MM or YYYY-MM-DD: the date at the precision it is known. */
  date?: string | null;
  /** ISO 3166-2 code of the state. */
  subdivision?: string | null;
  act_type?: string | null;
}

export interface DuplicateScore {
  /** log2 of the likelihood ratio plus the prior: ≥ 0 means more likely the same case than not. */
  weight: number;
  probability: number;
  /** Per comparison, the level the pair fell in (for the explanation shown beside a candidate). */
  levels: Record<string, string>;
}

/**
 * m and u per non-null level, best level first. Name levels: exact, subset, all words close
 * (Jaro–Winkler ≥ 0.92), two words close, score ≥ 0.8, else. Date: same date at the same precision,
 * one contains the other (month vs day), within 7 days, within 60, else. Place: same state,
 * neighbouring state, else. Act type: same, related (one parent), else.
 */
function configs(relatedActTypes: readonly string[][]): ComparisonConfig[] {
  return [
    { name: 'victim_name', type: 'name', full: 'victim_name', m: [0.62, 0.14, 0.1, 0.06, 0.04, 0.04], u: [0.0008, 0.0004, 0.001, 0.003, 0.02, 0.9748] },
    { name: 'date', type: 'date', column: 'date', withinDays: [7, 60], m: [0.62, 0.2, 0.12, 0.04, 0.02], u: [0.012, 0.03, 0.1, 0.6, 0.258] },
    { name: 'place', type: 'subdivision', column: 'subdivision', m: [0.88, 0.07, 0.05], u: [0.12, 0.2, 0.68] },
    { name: 'act_type', type: 'category', column: 'act_type', related: relatedActTypes.map((g) => [...g]), m: [0.8, 0.12, 0.08], u: [0.25, 0.2, 0.55] },
  ].map((c) => comparisonSchema.parse(c));
}

/**
 * Prior: among the candidates blocking lets through, about one in 250 is the same case. Together
 * with the weights above, a same-named victim on the same day in the same state is far above it,
 * a case on the same day and state without a name to compare is just above it (the incident step),
 * and a different name on the same day is below it.
 */
export const duplicatePriorWeight = Math.log2(1 / 250);

/** A candidate is shown from this probability on. */
export const duplicateWarnProbability = 0.5;

/**
 * Scores the probe against each candidate with the linkage engine's comparisons; the result is in
 * the candidates' order.
 */
export function scoreDuplicates(
  probe: DuplicateFields,
  candidates: readonly DuplicateFields[],
  relatedActTypes: readonly string[][] = [],
): DuplicateScore[] {
  if (candidates.length === 0) return [];
  const cfg = configs(relatedActTypes);
  const asRecord = (f: DuplicateFields, i: number): LinkRecord => ({
    // One source: the date comparison then reads every date with the same (ISO) order.
    source: 'intake',
    id: String(i),
    fields: { victim_name: f.victim_name ?? null, date: f.date ?? null, subdivision: f.subdivision ?? null, act_type: f.act_type ?? null },
  });
  const records = [asRecord(probe, 0), ...candidates.map((c, i) => asRecord(c, i + 1))];
  const comparisons: Comparison[] = buildComparisons(cfg, records, []);
  return candidates.map((_, k) => {
    let weight = duplicatePriorWeight;
    const levels: Record<string, string> = {};
    comparisons.forEach((c, ci) => {
      const level = c.level(0, k + 1);
      levels[c.name] = c.labels[level]!;
      if (level === 0) return;
      const conf = cfg[ci]!;
      weight += Math.log2(conf.m![level - 1]! / conf.u![level - 1]!);
    });
    const odds = 2 ** weight;
    return { weight, probability: odds / (1 + odds), levels };
  });
}
