/**
 * The default linkage config for a coalition's shared acts (docs/methods/linkage.md §platform).
 * It compares what partners share by default (act type, date with its precision, state, the
 * victim's kind, group size and sectors, perpetrator types) and the victim's name, which is null —
 * and so weighs nothing — whenever the owner did not share `victim_names`.
 */
import { getVocabulary } from '../../vocab/index.js';
import type { LinkConfigInput } from '../index.js';

/** Act types under one parent of the vocabulary are "related" (an arrest and a detention). */
export function relatedActTypeGroups(): string[][] {
  const groups = new Map<string, string[]>();
  for (const term of getVocabulary('act_type').terms) {
    if (!term.parent) continue;
    const g = groups.get(term.parent) ?? [];
    g.push(term.code);
    groups.set(term.parent, g);
  }
  return [...groups.values()].filter((g) => g.length >= 2);
}

/** Columns of the records the platform builds for the engine (one record per act). */
export const platformColumns = ['id', 'act_type', 'date', 'subdivision', 'victim_kind', 'group_size', 'sectors', 'perpetrators', 'victim_name'] as const;

export function defaultPlatformConfig(): LinkConfigInput {
  return {
    version: 1,
    idColumn: 'id',
    comparisons: [
      { name: 'act_type', type: 'category', column: 'act_type', related: relatedActTypeGroups(), tf: true },
      { name: 'date', type: 'date', column: 'date', withinDays: [7, 60] },
      { name: 'place', type: 'subdivision', column: 'subdivision' },
      { name: 'victim_kind', type: 'exact', column: 'victim_kind' },
      { name: 'group_size', type: 'exact', column: 'group_size', tf: true },
      { name: 'sectors', type: 'exact', column: 'sectors' },
      { name: 'perpetrators', type: 'exact', column: 'perpetrators' },
      { name: 'victim_name', type: 'name', full: 'victim_name' },
    ],
    // Unioned: the same year and state, the same year and act type; names (when shared) by sound.
    blocking: [{ on: 'year(date)+subdivision' }, { on: 'year(date)+act_type' }, { on: 'soundex_firsts(victim_name)' }],
    threshold: 0.9,
    outputFloor: 0.05,
    maxPairs: 5_000_000,
  };
}
