/**
 * What a count asks for: the unit, the time granularity, the facets to break it down by, filters
 * and a date range. Parsed from strings (CLI flags, query strings) with one issue per bad field.
 */
import { AppError, type FieldIssue } from '../shared/errors.js';
import { isValidPartialDate } from '../shared/dates.js';
import { children, hasCode, type VocabName } from '../vocab/index.js';
import { isCountry, isSubdivision } from '../vocab/places.js';

export const units = ['incidents', 'acts', 'victims'] as const;
export type Unit = (typeof units)[number];

export const granularities = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type CountGranularity = (typeof granularities)[number];

export const facets = ['country', 'subdivision', 'act_type', 'perpetrator_type', 'sector', 'organisation', 'visibility', 'victim_kind'] as const;
export type Facet = (typeof facets)[number];

export interface CountQuery {
  unit: Unit;
  /** Time dimension; absent = no breakdown by time. */
  period?: CountGranularity | undefined;
  by: Facet[];
  /** Each facet's accepted values (an act type also matches its narrower types). */
  where: Partial<Record<Facet, string[]>>;
  /** Partial dates: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'. */
  from?: string | undefined;
  to?: string | undefined;
  /** Full-text search over titles, places and narratives (Spanish and English, accent-insensitive). */
  q?: string | undefined;
}

const facetVocab: Partial<Record<Facet, VocabName>> = {
  act_type: 'act_type',
  perpetrator_type: 'perpetrator_type',
  sector: 'defender_sector',
};

const isUnit = (s: string): s is Unit => (units as readonly string[]).includes(s);
const isGranularity = (s: string): s is CountGranularity => (granularities as readonly string[]).includes(s);
export const isFacet = (s: string): s is Facet => (facets as readonly string[]).includes(s);

/** The code and every narrower code under it (a filter on "attacks on organisations" includes raids). */
export function withNarrower(name: VocabName, code: string): string[] {
  const out = [code];
  for (const c of children(name, code)) out.push(...withNarrower(name, c.code));
  return out;
}

function checkValue(facet: Facet, value: string, path: (string | number)[], issues: FieldIssue[]): void {
  const vocab = facetVocab[facet];
  if (vocab && !hasCode(vocab, value)) issues.push({ path, key: 'analysis:errors.unknown_value', values: { facet, value } });
  if (facet === 'country' && !isCountry(value)) issues.push({ path, key: 'analysis:errors.unknown_value', values: { facet, value } });
  if (facet === 'subdivision' && !isSubdivision(value)) issues.push({ path, key: 'analysis:errors.unknown_value', values: { facet, value } });
  if (facet === 'visibility' && !['private', 'coalition', 'public'].includes(value)) {
    issues.push({ path, key: 'analysis:errors.unknown_value', values: { facet, value } });
  }
  if (facet === 'victim_kind' && !['person', 'organisation', 'group'].includes(value)) {
    issues.push({ path, key: 'analysis:errors.unknown_value', values: { facet, value } });
  }
}

export interface RawCountQuery {
  unit?: string | undefined;
  period?: string | undefined;
  /** Comma-separated facets; may include a granularity ("year,country"). */
  by?: string | undefined;
  /** "act_type=arrest,country=VE"; several values of one facet with "|" ("act_type=arrest|raid"). */
  where?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
}

/** Validates a count request given as strings; throws AppError('bad_input') listing every problem. */
export function parseCountQuery(raw: RawCountQuery): CountQuery {
  const issues: FieldIssue[] = [];
  const unit = raw.unit ?? 'incidents';
  if (!isUnit(unit)) issues.push({ path: ['unit'], key: 'analysis:errors.bad_unit', values: { value: unit, allowed: units.join(', ') } });
  let period: CountGranularity | undefined;
  if (raw.period) {
    if (isGranularity(raw.period)) period = raw.period;
    else issues.push({ path: ['period'], key: 'analysis:errors.bad_granularity', values: { value: raw.period, allowed: granularities.join(', ') } });
  }
  const by: Facet[] = [];
  for (const part of (raw.by ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (isGranularity(part)) {
      if (period && period !== part) issues.push({ path: ['by'], key: 'analysis:errors.two_granularities', values: { value: part } });
      period = part;
    } else if (isFacet(part)) {
      if (!by.includes(part)) by.push(part);
    } else {
      issues.push({ path: ['by'], key: 'analysis:errors.bad_facet', values: { value: part, allowed: [...granularities, ...facets].join(', ') } });
    }
  }
  const where: Partial<Record<Facet, string[]>> = {};
  for (const part of (raw.where ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : part;
    const values = eq > 0 ? part.slice(eq + 1).split('|').map((s) => s.trim()).filter(Boolean) : [];
    if (!isFacet(key)) {
      issues.push({ path: ['where', key], key: 'analysis:errors.bad_facet', values: { value: key, allowed: facets.join(', ') } });
      continue;
    }
    if (values.length === 0) {
      issues.push({ path: ['where', key], key: 'analysis:errors.empty_filter', values: { facet: key } });
      continue;
    }
    for (const v of values) checkValue(key, v, ['where', key], issues);
    where[key] = [...(where[key] ?? []), ...values];
  }
  for (const f of ['from', 'to'] as const) {
    const v = raw[f];
    if (v !== undefined && v !== '' && !isValidPartialDate(v)) issues.push({ path: [f], key: 'analysis:errors.bad_date', values: { value: v } });
  }
  if (raw.from && raw.to && isValidPartialDate(raw.from) && isValidPartialDate(raw.to) && raw.to < raw.from.slice(0, raw.to.length)) {
    issues.push({ path: ['to'], key: 'analysis:errors.to_before_from', values: { from: raw.from, to: raw.to } });
  }
  const q = raw.q?.trim();
  if (q && q.length > 200) issues.push({ path: ['q'], key: 'analysis:errors.query_too_long', values: { max: 200 } });
  if (issues.length) throw new AppError('bad_input', { issues });
  return {
    unit: unit as Unit,
    period,
    by,
    where,
    from: raw.from || undefined,
    to: raw.to || undefined,
    q: q || undefined,
  };
}

/** Values a filter on `facet` matches in the database (an act type with its narrower types). */
export function expandFilter(facet: Facet, values: readonly string[]): string[] {
  const vocab = facetVocab[facet];
  if (facet === 'act_type' && vocab) return [...new Set(values.flatMap((v) => withNarrower(vocab, v)))];
  return [...values];
}
