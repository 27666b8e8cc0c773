/**
 * Counts of incidents, acts and victims per period and facet, within the scope the policy gives
 * the actor (own organisation, plus incidents its coalitions were given). One row per period with
 * explicit zeros: the calendar comes from generate_series and the counts are left-joined onto it.
 *
 * Units: an incident with three acts is 1 incident and 3 acts; victims count each victim once per
 * cell, a group victim counting its group_size. Breaking incidents down by an act-level facet (act
 * type, perpetrator type, sector) counts an incident once in each category it has, so such columns
 * can add up to more than the total.
 */
import { sql, type RawBuilder } from 'kysely';
import { authorize, readScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { lastDay, toStored } from '../shared/dates.js';
import { inTransaction, type DB, type Scope } from '../store/index.js';
import { expandFilter, type CountGranularity, type CountQuery, type Facet, type Unit } from './counts.schema.js';

export interface CountRow {
  /** Period label: '2020-11-05', '2020-W45', '2020-11', '2020-Q4' or '2020'. */
  period?: string;
  keys: Partial<Record<Facet, string | null>>;
  count: number;
}

export interface CountResult {
  unit: Unit;
  period: CountGranularity | null;
  by: Facet[];
  rows: CountRow[];
  /** Left out of a time breakdown: no date, or a date less precise than the granularity. */
  excluded: { undated: number; imprecise: number };
}

export interface ReadOptions extends CountSqlOptions {
  /** Statement timeout for this read (default: the connection's, from config). */
  timeoutMs?: number;
}

const actFacets: readonly Facet[] = ['act_type', 'perpetrator_type', 'sector', 'victim_kind'];

const periodLabel: Record<CountGranularity, string> = {
  day: 'YYYY-MM-DD',
  week: 'IYYY-"W"IW',
  month: 'YYYY-MM',
  quarter: 'YYYY-"Q"Q',
  year: 'YYYY',
};

/** Precisions fine enough to place a date in a period of this granularity. */
const precisionsFor: Record<CountGranularity, string[]> = {
  day: ['day'],
  week: ['day'],
  month: ['day', 'month'],
  quarter: ['day', 'month'],
  year: ['day', 'month', 'year'],
};

/**
 * Who a count is for: a scope from the policy, or 'public' (published records of organisations that
 * are not sealed, across organisations: only the portal uses it, and only behind disclosure control).
 */
export type CountScope = Scope | 'public';

/**
 * SQL: the incident `i` is visible in this scope (own organisation, or shared with a coalition).
 * `sharedOnly`: only incidents of other organisations shared with the scope's coalitions (the part a
 * count from the derived table, which holds own-organisation incidents, must add live).
 */
export function scopeCondition(scope: CountScope, sharedOnly = false): RawBuilder<boolean> {
  if (sharedOnly && scope !== 'public') {
    if (scope.coalitionIds.length === 0) return sql<boolean>`false`;
    return sql<boolean>`(NOT (i.organisation_id = ANY(${scope.organisationIds as string[]}::uuid[])) AND i.visibility <> 'private' AND EXISTS (SELECT 1 FROM record_share s
      WHERE s.organisation_id = i.organisation_id AND s.incident_id = i.id
        AND s.coalition_id = ANY(${scope.coalitionIds as string[]}::uuid[])))`;
  }
  if (scope === 'public') {
    return sql<boolean>`(i.visibility = 'public' AND NOT EXISTS (SELECT 1 FROM organisation so WHERE so.id = i.organisation_id AND so.sealed_at IS NOT NULL))`;
  }
  const own = scope.organisationIds.length
    ? sql<boolean>`i.organisation_id = ANY(${scope.organisationIds as string[]}::uuid[])`
    : sql<boolean>`false`;
  if (scope.coalitionIds.length === 0) return own;
  return sql<boolean>`(${own} OR (i.visibility <> 'private' AND EXISTS (SELECT 1 FROM record_share s
    WHERE s.organisation_id = i.organisation_id AND s.incident_id = i.id
      AND s.coalition_id = ANY(${scope.coalitionIds as string[]}::uuid[]))))`;
}

function facetExpr(f: Facet, unit: Unit): RawBuilder<string | null> {
  const incidentLevel = unit === 'incidents';
  switch (f) {
    case 'country':
      return incidentLevel ? sql`i.country::text` : sql`coalesce(a.country, i.country)::text`;
    case 'subdivision':
      return incidentLevel ? sql`i.subdivision` : sql`coalesce(a.subdivision, i.subdivision)`;
    case 'act_type':
      return sql`a.act_type`;
    case 'perpetrator_type':
      return sql`inv.perpetrator_type`;
    case 'sector':
      return sql`sec.code`;
    case 'organisation':
      return sql`o.slug::text`;
    case 'visibility':
      return sql`i.visibility`;
    case 'victim_kind':
      return sql`v.kind`;
  }
}

interface Plan {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>[];
  dateExpr: RawBuilder<string | null>;
  precisionExpr: RawBuilder<string | null>;
  multiplies: boolean;
}

/** FROM and WHERE for the rows a count runs over (incident, and act-level joins only when needed). */
function plan(q: CountQuery, scope: CountScope, sharedOnly = false): Plan {
  const used = new Set<Facet>([...q.by, ...(Object.keys(q.where) as Facet[])]);
  const needAct = q.unit !== 'incidents' || [...used].some((f) => actFacets.includes(f));
  // Acts are required when counting acts or victims, or when filtering on an act-level facet.
  const actRequired = q.unit !== 'incidents' || Object.keys(q.where).some((f) => actFacets.includes(f as Facet));
  const needVictim = q.unit === 'victims' || used.has('sector') || used.has('victim_kind');
  const joins: RawBuilder<unknown>[] = [sql`incident i`];
  if (needAct) {
    joins.push(sql`${actRequired ? sql`JOIN` : sql`LEFT JOIN`} act a ON a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL`);
  }
  if (needVictim) joins.push(sql`LEFT JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id`);
  if (used.has('perpetrator_type')) {
    joins.push(sql`${q.where.perpetrator_type ? sql`JOIN` : sql`LEFT JOIN`} involvement inv ON inv.organisation_id = a.organisation_id AND inv.act_id = a.id AND inv.archived_at IS NULL`);
  }
  if (used.has('sector')) {
    joins.push(sql`${q.where.sector ? sql`JOIN` : sql`LEFT JOIN`} LATERAL unnest(CASE WHEN cardinality(v.sectors) > 0 THEN v.sectors ELSE ARRAY[NULL]::text[] END) AS sec(code) ON true`);
  }
  if (used.has('organisation')) joins.push(sql`JOIN organisation o ON o.id = i.organisation_id`);
  const where: RawBuilder<unknown>[] = [sql`i.archived_at IS NULL`, scopeCondition(scope, sharedOnly)];
  for (const [f, values] of Object.entries(q.where) as [Facet, string[]][]) {
    const expanded = expandFilter(f, values);
    // Plain column comparisons where possible, so that indexes serve the filter.
    // country is char(2): compared as such (a cast to text would hide the column's statistics and
    // indexes from the planner, which then chose nested loops over tens of thousands of rows).
    if (f === 'country' && q.unit !== 'incidents') {
      where.push(sql`(a.country = ANY(${expanded}::bpchar[]) OR (a.country IS NULL AND i.country = ANY(${expanded}::bpchar[])))`);
    } else if (f === 'country') {
      where.push(sql`i.country = ANY(${expanded}::bpchar[])`);
    } else {
      where.push(sql`${facetExpr(f, q.unit)} = ANY(${expanded}::text[])`);
    }
  }
  const dateExpr: RawBuilder<string | null> = q.unit === 'incidents' ? sql`i.start_date` : sql`coalesce(a.start_date, i.start_date)`;
  const precisionExpr: RawBuilder<string | null> =
    q.unit === 'incidents' ? sql`i.start_precision` : sql`CASE WHEN a.start_date IS NOT NULL THEN a.start_precision ELSE i.start_precision END`;
  if (q.from) where.push(sql`${dateExpr} >= ${toStored(q.from).date}::date`);
  if (q.to) where.push(sql`${dateExpr} <= ${lastDay(q.to)}::date`);
  if (q.q) {
    where.push(sql`i.search @@ (websearch_to_tsquery('spanish', atalaya_unaccent(${q.q})) || websearch_to_tsquery('english', atalaya_unaccent(${q.q})))`);
  }
  const multiplies = used.has('perpetrator_type') || used.has('sector');
  return { from: sql.join(joins, sql` `), where, dateExpr, precisionExpr, multiplies };
}

/** The id to count distinct values of, when joins can repeat a unit within a cell (null: count rows). */
function distinctUnit(q: CountQuery, p: Plan): RawBuilder<string> | null {
  const needAct = q.unit !== 'incidents' || [...q.by, ...(Object.keys(q.where) as Facet[])].some((f) => actFacets.includes(f));
  if (q.unit === 'incidents') return needAct ? sql`i.id` : null;
  return p.multiplies ? sql`a.id` : null;
}

const interval: Record<CountGranularity, string> = { day: '1 day', week: '1 week', month: '1 month', quarter: '3 months', year: '1 year' };

/** Facets the derived table (migration 043) holds, and how each reads from it (alias m). */
const derivedFacet: Partial<Record<Facet, RawBuilder<string | null>>> = {
  country: sql`m.country::text`,
  subdivision: sql`m.subdivision`,
  visibility: sql`m.visibility`,
  organisation: sql`o.slug::text`,
  act_type: sql`nullif(m.act_type, '-')`,
};

/**
 * Whether a count can be read from atalaya_derived.incident_month: incidents, no text search, a
 * granularity of a month or coarser (or none), facets the table holds, dates on month boundaries,
 * and at most one act type in a filter unless broken down by act type (the incidents having any of
 * several types is not a sum of per-type counts).
 */
export function derivedEligible(q: CountQuery, scope: CountScope): boolean {
  if (scope === 'public' || q.unit !== 'incidents' || q.q) return false;
  if (q.period && !['month', 'quarter', 'year'].includes(q.period)) return false;
  const used = [...q.by, ...(Object.keys(q.where) as Facet[])];
  if (used.some((f) => !derivedFacet[f])) return false;
  if (q.where.act_type && !q.by.includes('act_type') && expandFilter('act_type', q.where.act_type).length !== 1) return false;
  if (q.where.act_type && q.period && expandFilter('act_type', q.where.act_type).length !== 1) return false;
  if (q.from && !toStored(q.from).date.endsWith('-01')) return false;
  if (q.to) {
    const last = new Date(`${lastDay(q.to)}T00:00:00Z`);
    last.setUTCDate(last.getUTCDate() + 1);
    if (last.getUTCDate() !== 1) return false;
  }
  return true;
}

/** The WHERE of a read of the derived table (own organisations only; month >= from, month <= to). */
function derivedWhere(q: CountQuery, scope: Scope): RawBuilder<unknown>[] {
  const byType = q.by.includes('act_type') || !!q.where.act_type;
  const where: RawBuilder<unknown>[] = [
    scope.organisationIds.length ? sql`m.organisation_id = ANY(${scope.organisationIds as string[]}::uuid[])` : sql`false`,
    byType ? sql`m.act_type <> '*'` : sql`m.act_type = '*'`,
  ];
  for (const [f, values] of Object.entries(q.where) as [Facet, string[]][]) {
    const expanded = expandFilter(f, values);
    if (f === 'country') where.push(sql`m.country = ANY(${expanded}::bpchar[])`);
    else if (f === 'act_type') where.push(sql`m.act_type = ANY(${expanded}::text[])`);
    else where.push(sql`${derivedFacet[f]!} = ANY(${expanded}::text[])`);
  }
  if (q.from) where.push(sql`m.month >= ${toStored(q.from).date}::date`);
  if (q.to) where.push(sql`m.month <= date_trunc('month', ${lastDay(q.to)}::date::timestamp)::date`);
  return where;
}

/** The derived table to read: by country (045, small) unless subdivision or visibility is asked for. */
function derivedFrom(q: CountQuery): RawBuilder<unknown> {
  const used = [...q.by, ...Object.keys(q.where)];
  const table = used.includes('subdivision') || used.includes('visibility') ? sql`atalaya_derived.incident_month m` : sql`atalaya_derived.incident_month_country m`;
  return used.includes('organisation') ? sql`${table} JOIN organisation o ON o.id = m.organisation_id` : table;
}

/** The per-cell counts (columns p, k0…, n) of a count, computed from the rows themselves. */
function liveCounts(q: CountQuery, scope: CountScope, sharedOnly = false): RawBuilder<unknown> {
  const p = plan(q, scope, sharedOnly);
  const keyCols = q.by.map((f, i) => sql`${facetExpr(f, q.unit)} AS ${sql.ref(`k${i}`)}`);
  const keyRefs = q.by.map((_f, i) => sql.ref(`k${i}`));
  const g = q.period;
  const where = [...p.where];
  if (g) {
    where.push(sql`${p.dateExpr} IS NOT NULL`);
    where.push(sql`${p.precisionExpr} = ANY(${precisionsFor[g]}::text[])`);
  }
  const periodCol = g ? [sql`date_trunc(${g}, ${p.dateExpr}::timestamp)::date AS p`] : [];
  const groupRefs = [...(g ? [sql.ref('p')] : []), ...keyRefs];
  if (q.unit === 'victims') {
    return sql`SELECT ${sql.join([...groupRefs, sql`sum(w)::bigint AS n`])} FROM (
        SELECT DISTINCT ${sql.join([...periodCol, ...keyCols, sql`a.organisation_id AS vo`, sql`a.victim_id AS vid`, sql`coalesce(v.group_size, 1) AS w`])}
        FROM ${p.from} WHERE ${sql.join(where, sql` AND `)}) d
      ${groupRefs.length ? sql`GROUP BY ${sql.join(groupRefs)}` : sql``}`;
  }
  const distinctId = distinctUnit(q, p);
  if (distinctId) {
    // count(DISTINCT …) per group sorts; DISTINCT rows then count(*) lets the planner hash instead.
    return sql`SELECT ${sql.join([...groupRefs, sql`count(*)::bigint AS n`])} FROM (
        SELECT DISTINCT ${sql.join([...periodCol, ...keyCols, sql`${distinctId} AS uid`])}
        FROM ${p.from} WHERE ${sql.join(where, sql` AND `)}) d
      ${groupRefs.length ? sql`GROUP BY ${sql.join(groupRefs)}` : sql``}`;
  }
  return sql`SELECT ${sql.join([...periodCol, ...keyCols, sql`count(*)::bigint AS n`])}
      FROM ${p.from} WHERE ${sql.join(where, sql` AND `)}
      ${groupRefs.length ? sql`GROUP BY ${sql.join(groupRefs.map((_r, i) => sql.raw(String(i + 1))))}` : sql``}`;
}

/**
 * The same cells from the derived table for the scope's own organisations, plus, live, the
 * incidents of other organisations shared with its coalitions (disjoint sets, so the counts add).
 */
function derivedCounts(q: CountQuery, scope: Scope): RawBuilder<unknown> {
  const g = q.period;
  const keyCols = q.by.map((f, i) => sql`${derivedFacet[f]!} AS ${sql.ref(`k${i}`)}`);
  const keyRefs = q.by.map((_f, i) => sql.ref(`k${i}`));
  const where = derivedWhere(q, scope);
  if (g) {
    where.push(sql`m.month IS NOT NULL`);
    where.push(sql`m.start_precision = ANY(${precisionsFor[g]}::text[])`);
  }
  const periodCol = g ? [sql`date_trunc(${g}, m.month::timestamp)::date AS p`] : [];
  const groupRefs = [...(g ? [sql.ref('p')] : []), ...keyRefs];
  const group = sql`GROUP BY ${sql.join(groupRefs.map((_r, i) => sql.raw(String(i + 1))))}`;
  // Cells whose incidents were all removed keep a row with n = 0: leave them out, as the live count does.
  // Without a breakdown the live count is one row, zero or not.
  const own = groupRefs.length
    ? sql`SELECT ${sql.join([...periodCol, ...keyCols, sql`sum(m.n)::bigint AS n`])}
      FROM ${derivedFrom(q)} WHERE ${sql.join(where, sql` AND `)} ${group} HAVING sum(m.n) > 0`
    : sql`SELECT coalesce(sum(m.n), 0)::bigint AS n FROM ${derivedFrom(q)} WHERE ${sql.join(where, sql` AND `)}`;
  if (scope.coalitionIds.length === 0) return own;
  return sql`SELECT ${sql.join([...groupRefs, sql`sum(x.n)::bigint AS n`])} FROM (${own} UNION ALL ${liveCounts(q, scope, true)}) x
    ${groupRefs.length ? sql`GROUP BY ${sql.join(groupRefs)}` : sql``}`;
}

export interface CountSqlOptions {
  /** Read from the derived table when the count allows it (default true; tests compare both ways). */
  derived?: boolean;
}

/** The SQL of a count (exported so that the benchmark can time the same statement without the application). */
export function countSql(q: CountQuery, scope: CountScope, opts: CountSqlOptions = {}): RawBuilder<Record<string, unknown>> {
  const keyRefs = q.by.map((_f, i) => sql.ref(`k${i}`));
  const g = q.period;
  const counts = opts.derived !== false && derivedEligible(q, scope) ? derivedCounts(q, scope as Scope) : liveCounts(q, scope);
  if (!g) {
    return sql`SELECT ${sql.join([...keyRefs, sql`n`])} FROM (${counts}) c ORDER BY ${keyRefs.length ? sql.join(keyRefs) : sql`1`}`;
  }
  const lo = q.from ? sql`date_trunc(${g}, ${toStored(q.from).date}::date)::date` : sql`(SELECT min(p) FROM c)`;
  const hi = q.to ? sql`date_trunc(${g}, ${lastDay(q.to)}::date)::date` : sql`(SELECT max(p) FROM c)`;
  const cal = sql`SELECT generate_series(${lo}::timestamp, ${hi}::timestamp, ${interval[g]}::interval)::date AS p`;
  const label = sql`to_char(cal.p, ${periodLabel[g]})`;
  if (keyRefs.length === 0) {
    return sql`WITH c AS MATERIALIZED (${counts}), cal AS (${cal})
      SELECT ${label} AS period, coalesce(c.n, 0) AS n FROM cal LEFT JOIN c ON c.p = cal.p ORDER BY cal.p`;
  }
  // Keys are joined through a sentinel for "not recorded", so that the join is a hash join
  // (IS NOT DISTINCT FROM is not hashable and made this quadratic in periods × categories).
  const none = '\u2205';
  const kj = q.by.map((_f, i) => sql`coalesce(c.${sql.ref(`k${i}`)}, ${none}) = ks.${sql.ref(`k${i}`)}`);
  const ksCols = q.by.map((_f, i) => sql`coalesce(${sql.ref(`k${i}`)}, ${none}) AS ${sql.ref(`k${i}`)}`);
  const outCols = q.by.map((_f, i) => sql`nullif(ks.${sql.ref(`k${i}`)}, ${none}) AS ${sql.ref(`k${i}`)}`);
  return sql`WITH c AS MATERIALIZED (${counts}), cal AS (${cal}), ks AS (SELECT DISTINCT ${sql.join(ksCols)} FROM c)
    SELECT ${label} AS period, ${sql.join(outCols)}, coalesce(c.n, 0) AS n
    FROM cal CROSS JOIN ks LEFT JOIN c ON c.p = cal.p AND ${sql.join(kj, sql` AND `)}
    ORDER BY ${sql.join(keyRefs.map((r) => sql`ks.${r}`))}, cal.p`;
}

/** How much of the selection a time breakdown leaves out (no date, or too coarse a date). */
function excludedSql(q: CountQuery, scope: CountScope, opts: CountSqlOptions = {}): RawBuilder<{ undated: string; imprecise: string }> {
  if (opts.derived !== false && derivedEligible(q, scope)) return derivedExcludedSql(q, scope as Scope);
  return liveExcludedSql(q, scope);
}

function derivedExcludedSql(q: CountQuery, scope: Scope): RawBuilder<{ undated: string; imprecise: string }> {
  const g = q.period!;
  // Without a breakdown by act type, one act-type filter (derivedEligible) makes the type rows count incidents.
  const where = derivedWhere({ ...q, by: [] }, scope);
  const own = sql`SELECT coalesce(sum(m.n) FILTER (WHERE m.month IS NULL), 0) AS undated,
      coalesce(sum(m.n) FILTER (WHERE m.month IS NOT NULL AND NOT (m.start_precision = ANY(${precisionsFor[g]}::text[]))), 0) AS imprecise
    FROM ${derivedFrom(q)} WHERE ${sql.join(where, sql` AND `)}`;
  if (scope.coalitionIds.length === 0) return own as RawBuilder<{ undated: string; imprecise: string }>;
  return sql`SELECT (o.undated + s.undated)::text AS undated, (o.imprecise + s.imprecise)::text AS imprecise
    FROM (${own}) o CROSS JOIN (${liveExcludedSql(q, scope, true)}) s`;
}

function liveExcludedSql(q: CountQuery, scope: CountScope, sharedOnly = false): RawBuilder<{ undated: string; imprecise: string }> {
  const p = plan({ ...q, by: [] }, scope, sharedOnly);
  const g = q.period!;
  const unitId = q.unit === 'incidents' ? sql`i.id` : sql`a.id`;
  return sql`SELECT count(DISTINCT ${unitId}) FILTER (WHERE ${p.dateExpr} IS NULL) AS undated,
      count(DISTINCT ${unitId}) FILTER (WHERE ${p.dateExpr} IS NOT NULL AND NOT (${p.precisionExpr} = ANY(${precisionsFor[g]}::text[]))) AS imprecise
    FROM ${p.from} WHERE ${sql.join(p.where, sql` AND `)}`;
}

/**
 * A read in its own read-only transaction, with its own statement timeout: a query that would run
 * too long is cancelled and reported as AppError('timeout'); it never holds locks writers wait for.
 */
export async function readOnly<T>(db: DB, scope: Scope, opts: ReadOptions, fn: (trx: DB) => Promise<T>): Promise<T> {
  try {
    return await inTransaction(db, scope, async (trx) => {
      await sql`SET TRANSACTION READ ONLY`.execute(trx);
      if (opts.timeoutMs !== undefined) await sql`SELECT set_config('statement_timeout', ${String(Math.max(1, Math.floor(opts.timeoutMs)))}, true)`.execute(trx);
      return fn(trx);
    });
  } catch (e) {
    if ((e as { code?: string }).code === '57014') throw new AppError('timeout', { cause: e });
    throw e;
  }
}

/** Published rows of every organisation (row-level security on a server lets exactly those through). */
const publicReadScope = { organisationIds: [], coalitionIds: [], userId: null, public: true } as Scope;

/** Runs a count within an explicit scope (for the CLI's system actor and the alert job). */
export async function countInScope(db: DB, scope: CountScope, q: CountQuery, opts: ReadOptions = {}): Promise<CountResult> {
  return readOnly(db, scope === 'public' ? publicReadScope : scope, opts, async (trx) => {
    const r = await countSql(q, scope, opts).execute(trx);
    const rows: CountRow[] = r.rows.map((row) => {
      const keys: Partial<Record<Facet, string | null>> = {};
      q.by.forEach((f, i) => (keys[f] = (row[`k${i}`] as string | null) ?? null));
      return { ...(q.period ? { period: row.period as string } : {}), keys, count: Number(row.n) };
    });
    let excluded = { undated: 0, imprecise: 0 };
    if (q.period) {
      const e = (await excludedSql(q, scope, opts).execute(trx)).rows[0];
      excluded = { undated: Number(e?.undated ?? 0), imprecise: Number(e?.imprecise ?? 0) };
    }
    return { unit: q.unit, period: q.period ?? null, by: q.by, rows, excluded };
  });
}

/** Counts what the actor may see (analysis.read on their organisation). */
export async function countRecords(ctx: Ctx, actor: Actor, q: CountQuery, opts: ReadOptions = {}): Promise<CountResult> {
  authorize(actor, 'analysis.read');
  return countInScope(ctx.db, readScope(actor), q, opts);
}
