/**
 * The case list: incidents visible to the actor with filters, a sort, keyset paging, full-text
 * search ranked by relevance, and facet counts, always inside the scope the policy returned.
 */
import { exactCreatedAt } from './cursor-time.js';
import { sql, type RawBuilder } from 'kysely';
import { authorize, readScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { lastDay, toStored } from '../shared/dates.js';
import { isId } from '../shared/ids.js';
import { inTransaction, type DB, type Scope } from '../store/index.js';
import type { Row } from './record-store.js';
import { partnerViewer, scopePartCondition, scopeParts, type ScopePart } from './record-scope.js';
import { presentRow, type Presented, type Viewer } from './records.present.js';
import type { ListQuery } from './records.schema.js';
import { keyedSearch, type KeyedSearch } from './word-index.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RankedPage<T> extends Page<T> {
  /** Sorted by relevance among this many most recent matches only (see rankCandidates). */
  rankedAmong?: number;
}

type SortKey = ListQuery['sort'];

function encodeCursor(sort: SortKey, key: string | null, id: string): string {
  return Buffer.from(JSON.stringify(sort === 'entered' ? [key, id] : [sort, key, id])).toString('base64url');
}
/** A cursor names the sort it belongs to; one from another sort is refused rather than misread. */
function decodeCursor(c: string, sort: SortKey): [string | null, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    const parts = Array.isArray(v) ? (v.length === 2 ? ['entered', ...v] : v) : [];
    const [s, key, id] = parts as unknown[];
    const keyOk =
      s === 'entered' ? typeof key === 'string' && !Number.isNaN(Date.parse(key))
      : s === 'date' ? key === null || (typeof key === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(key))
      : s === 'relevance' ? typeof key === 'string' && Number.isFinite(Number(key)) && key.trim() !== ''
      : typeof key === 'string';
    if (parts.length === 3 && s === sort && keyOk && typeof id === 'string' && isId(id)) return [key as string | null, id];
  } catch {
    /* fall through */
  }
  throw new AppError('validation', { issues: [{ path: ['cursor'], key: 'records:bad_cursor' }] });
}

/**
 * The words of a search as a text query: Spanish and English stemming both (a case may be in
 * either), accents dropped, quoted phrases and -exclusions as a web search box takes them.
 */
function textQuery(words: string): RawBuilder<unknown> {
  return sql`(websearch_to_tsquery('spanish', atalaya_unaccent(${words})) || websearch_to_tsquery('english', atalaya_unaccent(${words})))`;
}

/**
 * Relevance of an incident to the words: cover density (words close together rank higher, a phrase
 * highest), title over place over narrative by the vector's weights, divided by 1 + log(length)
 * so a long narrative does not win by length alone. Cast to real so that a cursor's text form
 * compares equal to the value it came from.
 */
function rankOf(words: string): RawBuilder<unknown> {
  return sql`ts_rank_cd(t.search, ${textQuery(words)}, 1)::real`;
}

/** The list filters, each a facet; `except` leaves one out (to count that facet's other values). */
export type Facet = 'country' | 'subdivision' | 'actType' | 'perpetratorType' | 'sector' | 'organisation' | 'visibility' | 'year';

interface Filters {
  /** Conditions on the incident's own columns (an index or a cheap check per row). */
  rows: RawBuilder<unknown>[];
  /** Full-text match and conditions on its acts: a GIN index, or a look-up per row. */
  matches: RawBuilder<unknown>[];
  /** The conditions on its acts alone (also in `matches`). */
  acts: RawBuilder<unknown>[];
  /** The full-text match alone (also in `matches`). */
  text: RawBuilder<unknown> | null;
}

/**
 * The keyed matches of a search, for the scope's own organisations only: a victim whose name is the
 * search (blind index), or an encrypted narrative holding every word of it (word index).
 */
function keyedMatch(keyed: readonly KeyedSearch[]): RawBuilder<unknown>[] {
  return keyed.map((k) => {
    const byName = sql`(t.organisation_id, t.id) IN (SELECT a.organisation_id, a.incident_id FROM actor v
      JOIN act a ON a.organisation_id = v.organisation_id AND a.victim_id = v.id
      WHERE v.organisation_id = ${k.organisationId} AND v.name_bidx = ${k.nameIndex} AND a.archived_at IS NULL)`;
    const byWords = k.tokens.length
      ? sql` OR t.id IN (SELECT w.incident_id FROM incident_word w WHERE w.organisation_id = ${k.organisationId}
          AND w.token = ANY(${k.tokens}::bytea[]) GROUP BY w.incident_id HAVING count(*) = ${k.tokens.length})`
      : sql``;
    return sql`(t.organisation_id = ${k.organisationId}::uuid AND (${byName}${byWords}))`;
  });
}

function splitFilters(scope: Scope, q: ListQuery, except?: Facet, part: ScopePart = 'all', keyed: readonly KeyedSearch[] = []): Filters {
  const where: RawBuilder<unknown>[] = [scopePartCondition(scope, part)];
  const matches: RawBuilder<unknown>[] = [];
  if (q.archived === 'exclude') where.push(sql`t.archived_at IS NULL`);
  if (q.archived === 'only') where.push(sql`t.archived_at IS NOT NULL`);
  if (q.country && except !== 'country') where.push(sql`t.country = ${q.country}`);
  if (q.subdivision && except !== 'subdivision') where.push(sql`t.subdivision = ${q.subdivision}`);
  if (q.status) where.push(sql`t.status = ${q.status}`);
  if (q.visibility && except !== 'visibility') where.push(sql`t.visibility = ${q.visibility}`);
  if (q.organisation && except !== 'organisation') where.push(sql`t.organisation_id = ${q.organisation}`);
  if (except !== 'year') {
    if (q.from) where.push(sql`coalesce(t.end_date, t.start_date) >= ${toStored(q.from).date}`);
    if (q.to) where.push(sql`t.start_date <= ${lastDay(q.to)}`);
  }
  if (q.actType && except !== 'actType') {
    matches.push(sql`EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = t.organisation_id AND a.incident_id = t.id
      AND a.act_type = ${q.actType} AND a.archived_at IS NULL)`);
  }
  if (q.perpetratorType && except !== 'perpetratorType') {
    matches.push(sql`EXISTS (SELECT 1 FROM act a JOIN involvement v ON v.organisation_id = a.organisation_id AND v.act_id = a.id
      WHERE a.organisation_id = t.organisation_id AND a.incident_id = t.id AND a.archived_at IS NULL
        AND v.archived_at IS NULL AND v.perpetrator_type = ${q.perpetratorType})`);
  }
  if (q.sector && except !== 'sector') {
    matches.push(sql`EXISTS (SELECT 1 FROM act a JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
      WHERE a.organisation_id = t.organisation_id AND a.incident_id = t.id AND a.archived_at IS NULL
        AND ${q.sector} = ANY(v.sectors))`);
  }
  const acts = [...matches];
  const text = q.q ? sql`(${sql.join([sql`t.search @@ ${textQuery(q.q)}`, ...(part === 'shared' ? [] : keyedMatch(keyed))], sql` OR `)})` : null;
  if (text) matches.push(text);
  return { rows: where, matches, acts, text };
}

/**
 * How many incidents (those passing the column filters, in the list's order) a search first looks
 * through for its matches before it asks the text index for all of them. A common word matches a
 * quarter of a million incidents at 1,000,000, and building that set from the GIN index took
 * 50-130 ms per statement; the first few thousand incidents usually hold the page (and the facet
 * sample) already. A rare word finds too few there and falls back to the index, fast for it.
 * Below `searchWindowFrom` incidents in the table even a common word's bitmap is small (10,000
 * matches took 4-9 ms at 100,000), so the window would mostly add statements: none then. (PGlite at
 * 100,000 measured about the same either way: search p95 144 ms with it, 154 ms without.)
 */
export const searchWindow = 10_000;
export const searchWindowFrom = 250_000;

/** For each filter set, whether more than `window` incidents pass its column filters (the window did not hold them all). */
async function beyondWindow(trx: DB, filters: Filters[], window: number): Promise<boolean[]> {
  const r = await sql<{ part: number; more: boolean }>`${sql.join(
    filters.map((f, i) => sql`SELECT ${i}::int AS part, count(*) > ${window} AS more FROM (SELECT 1 FROM incident t WHERE ${sql.join(f.rows, sql` AND `)} LIMIT ${window + 1}) w`),
    sql` UNION ALL `,
  )}`.execute(trx);
  return filters.map((_f, i) => r.rows.some((x) => x.part === i && x.more));
}

async function searchWindowOf(trx: DB, asked: number | undefined): Promise<number> {
  if (asked !== undefined) return asked;
  // The planner's row estimate (kept by ANALYZE and autovacuum): one catalogue read, no scan.
  const r = await sql<{ n: number }>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'incident'::regclass`.execute(trx);
  return Number(r.rows[0]?.n ?? 0) >= searchWindowFrom ? searchWindow : 0;
}

const orderBy: Record<SortKey, RawBuilder<unknown>> = {
  entered: sql`t.created_at DESC, t.id DESC`,
  date: sql`t.start_date DESC NULLS LAST, t.id DESC`,
  title: sql`t.title ASC, t.id ASC`,
  // Over rows that carry their rank as _rank (see listIncidents).
  relevance: sql`t._rank DESC, t.id DESC`,
};

function afterCursor(sort: SortKey, key: string | null, id: string): RawBuilder<unknown> {
  if (sort === 'entered') return sql`(t.created_at, t.id) < (${key}::timestamptz, ${id}::uuid)`;
  if (sort === 'title') return sql`(t.title, t.id) > (${key}::text, ${id}::uuid)`;
  if (key === null) return sql`(t.start_date IS NULL AND t.id < ${id}::uuid)`;
  return sql`(t.start_date < ${key}::date OR (t.start_date = ${key}::date AND t.id < ${id}::uuid) OR t.start_date IS NULL)`;
}

function cursorKey(sort: Exclude<SortKey, 'entered'>, row: Row): string | null {
  if (sort === 'relevance') return String(row._rank);
  if (sort === 'title') return row.title as string;
  return row.start_date == null ? null : String(row.start_date).slice(0, 10);
}

/**
 * Relevance needs the rank of every match, and no index gives that order: a common word over a
 * million incidents meant reading ~100,000 rows (p50 169 / p95 314 ms in the benchmark). Above `searchWindowFrom`
 * incidents, only the `rankCandidates` most recent matches (by date of the incident) are ranked,
 * and the page says how many (rankedAmong). They are looked for first among the first
 * `searchWindow` incidents that pass the column filters, newest first; when that window is full
 * but holds fewer than `rankCandidatesMin` matches, the word is rare among recent cases and its
 * most recent matches are found through the text index instead (every text match is read and
 * sorted by date, the conditions on acts checked only until enough pass: 28 ms for 9,837 text
 * matches, where ranking them all took 80-130 ms; docs/methods/analysis.md §6).
 */
export const rankCandidates = 500;
export const rankCandidatesMin = 200;

type RankedRow = Row & { _rank: number };
type Candidate = { part: number; organisation_id: string; id: string; pos: string };

/** One page by relevance (rank, then id, both descending) after the cursor [rank, id]. */
async function rankedPage(
  trx: DB,
  filters: Filters[],
  q: ListQuery,
  after: [string | null, string] | null,
  window: number,
  opts: { max: number; min: number },
): Promise<{ rows: RankedRow[]; rankedAmong?: number }> {
  const rank = rankOf(q.q!);
  const limit = q.limit + 1;
  if (window <= 0) {
    // Every match ranked, in the database.
    const cursor = after ? sql`WHERE (t._rank, t.id) < (${after[0]}::real, ${after[1]}::uuid)` : sql``;
    const parts = filters.map(
      (f) => sql`(SELECT * FROM (SELECT t.*, ${rank} AS _rank FROM incident t WHERE ${sql.join([...f.rows, ...f.matches], sql` AND `)}) t
        ${cursor} ORDER BY ${orderBy.relevance} LIMIT ${limit})`,
    );
    return { rows: (await sql<RankedRow>`SELECT * FROM (${sql.join(parts, sql` UNION ALL `)}) t ORDER BY ${orderBy.relevance} LIMIT ${limit}`.execute(trx)).rows };
  }
  // pos numbers a part's matches newest first; one more than `max` is read to know there are more.
  const inWindow = filters.map(
    (f, i) => sql`(SELECT ${i}::int AS part, t.organisation_id, t.id, row_number() OVER (ORDER BY ${orderBy.date}) AS pos
      FROM (SELECT * FROM incident t WHERE ${sql.join(f.rows, sql` AND `)} ORDER BY ${orderBy.date} LIMIT ${window}) t
      WHERE ${sql.join(f.matches, sql` AND `)} ORDER BY ${orderBy.date} LIMIT ${opts.max + 1})`,
  );
  let found = (await sql<Candidate>`${sql.join(inWindow, sql` UNION ALL `)}`.execute(trx)).rows;
  const count = (i: number) => found.filter((c) => c.part === i).length;
  // A part that found at most `max` read its whole window: was that every incident it has?
  const unread = filters.map((_f, i) => i).filter((i) => count(i) <= opts.max);
  const more = unread.length ? await beyondWindow(trx, unread.map((i) => filters[i]!), window) : [];
  const full = new Set(unread.filter((_i, k) => more[k]));
  // Parts whose full window held too few matches: their most recent matches through the text index.
  const rare = [...full].filter((i) => count(i) < opts.min);
  if (rare.length) {
    const viaIndex = rare.map((i) => {
      const f = filters[i]!;
      return sql`(SELECT ${i}::int AS part, t.organisation_id, t.id, row_number() OVER (ORDER BY ${orderBy.date}) AS pos
        FROM (SELECT t.organisation_id, t.id, t.start_date FROM incident t WHERE ${sql.join([...f.rows, f.text!], sql` AND `)} ORDER BY ${orderBy.date} OFFSET 0) t
        ${f.acts.length ? sql`WHERE ${sql.join(f.acts, sql` AND `)}` : sql``} ORDER BY ${orderBy.date} LIMIT ${opts.max + 1})`;
    });
    found = [...found.filter((c) => !rare.includes(c.part)), ...(await sql<Candidate>`${sql.join(viaIndex, sql` UNION ALL `)}`.execute(trx)).rows];
  }
  // Exact when every part's candidates are all its matches: a window that held every incident
  // passing the filters, or the index giving no more than `max`.
  const exact = filters.every((_f, i) => count(i) <= opts.max && (rare.includes(i) || !full.has(i)));
  const among = found.filter((c) => Number(c.pos) <= opts.max);
  // The candidates' ranks (at most `max` per part), then the rows of the page only.
  type Ranked = { organisation_id: string; id: string; rank: number };
  const ranked = among.length
    ? (await sql<Ranked>`SELECT t.organisation_id, t.id, ${rank} AS rank FROM incident t
        JOIN unnest(${among.map((c) => c.organisation_id)}::uuid[], ${among.map((c) => c.id)}::uuid[]) AS p(organisation_id, id)
        ON t.organisation_id = p.organisation_id AND t.id = p.id`.execute(trx)).rows
    : [];
  const key = after ? Number(after[0]) : null;
  const top = ranked
    .filter((c) => !after || c.rank < key! || (c.rank === key && c.id < after[1]))
    .sort((a, b) => b.rank - a.rank || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
  const rows = top.length
    ? (await sql<Row>`SELECT t.* FROM incident t JOIN unnest(${top.map((c) => c.organisation_id)}::uuid[], ${top.map((c) => c.id)}::uuid[]) AS p(organisation_id, id)
        ON t.organisation_id = p.organisation_id AND t.id = p.id`.execute(trx)).rows
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const page = top.flatMap((c) => (byId.has(c.id) ? [{ ...byId.get(c.id)!, _rank: c.rank }] : []));
  return { rows: page, ...(exact ? {} : { rankedAmong: among.length }) };
}

/** Incidents visible to the actor with filters, a sort (newest entered, date, title, relevance to the words) and keyset paging. */
export async function listIncidents(
  ctx: Ctx,
  actor: Actor,
  q: ListQuery,
  opts: {
    window?: number;
    rankCandidates?: number;
    rankCandidatesMin?: number;
    /** Every match, as an export wants: relevance then ranks them all instead of the most recent. */
    exhaustive?: boolean;
  } = {},
): Promise<RankedPage<Presented>> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  // Without words every incident is equally relevant: newest entered first, as by default.
  const sort: SortKey = q.sort === 'relevance' && !q.q ? 'entered' : (q.sort ?? 'entered');
  const cursor = q.cursor ? decodeCursor(q.cursor, sort) : null;
  const after = cursor && sort !== 'relevance' ? [afterCursor(sort, ...cursor)] : [];
  const keyed = q.q ? await keyedSearch(ctx, ctx.db, scope.organisationIds, q.q) : [];
  const filters = scopeParts(scope).map((part) => splitFilters(scope, q, undefined, part, keyed));
  // One page of each part in the sort order, then the page of their union (the top of a union is
  // among the tops of its parts).
  const parts = filters.map(
    (f) => sql`(SELECT * FROM incident t WHERE ${sql.join([...f.rows, ...f.matches, ...after], sql` AND `)}
      ORDER BY ${orderBy[sort]} LIMIT ${q.limit + 1})`,
  );
  // First within the first `searchWindow` incidents of each part that pass the column filters: if
  // a part finds a full page there, that is its page exactly (every incident outside the window
  // sorts after every one inside it). Otherwise the whole part is searched. Not for titles: no
  // index gives that order, so the window would sort the whole part.
  const windowedBy = (window: number) =>
    window > 0 && sort !== 'title' && filters.some((f) => f.matches.length > 0)
      ? filters.map(
          (f, i) => sql`(SELECT ${i}::int AS part, t.* FROM (SELECT * FROM incident t WHERE ${sql.join([...f.rows, ...after], sql` AND `)}
            ORDER BY ${orderBy[sort]} LIMIT ${window}) t
          ${f.matches.length ? sql`WHERE ${sql.join(f.matches, sql` AND `)}` : sql``} ORDER BY ${orderBy[sort]} LIMIT ${q.limit + 1})`,
        )
      : null;
  return cancelledAsTimeout(() => inTransaction(ctx.db, scope, async (trx) => {
    const window = await searchWindowOf(trx, opts.window);
    let found: Row[] | null = null;
    let rankedAmong: number | undefined;
    if (sort === 'relevance') {
      const r = await rankedPage(trx, filters, q, cursor, opts.exhaustive ? 0 : window, { max: opts.rankCandidates ?? rankCandidates, min: opts.rankCandidatesMin ?? rankCandidatesMin });
      found = r.rows;
      rankedAmong = r.rankedAmong;
    }
    const windowed = sort === 'relevance' ? null : windowedBy(window);
    if (windowed) {
      const w = await sql<Row & { part: number }>`SELECT * FROM (${sql.join(windowed, sql` UNION ALL `)}) t ORDER BY ${orderBy[sort]}`.execute(trx);
      if (filters.every((_f, i) => w.rows.filter((x) => x.part === i).length > q.limit)) {
        found = w.rows.slice(0, q.limit + 1).map(({ part: _p, ...row }) => row as Row);
      }
    }
    found ??= (
      parts.length === 1
        ? await sql<Row>`${parts[0]!}`.execute(trx)
        : await sql<Row>`SELECT * FROM (${sql.join(parts, sql` UNION ALL `)}) t ORDER BY ${orderBy[sort]} LIMIT ${q.limit + 1}`.execute(trx)
    ).rows;
    const rows = found.slice(0, q.limit);
    const items: Presented[] = [];
    for (const { _rank: _r, ...row } of rows as (Row & { _rank?: number })[]) {
      const owner = scope.organisationIds.includes(row.organisation_id);
      const viewer: Viewer = owner ? { kind: 'owner' } : await partnerViewer(trx, scope, row.organisation_id, row.id);
      items.push(await presentRow(ctx, trx, 'incident', row as Row, viewer));
    }
    const last = rows[rows.length - 1];
    const more = found.length > q.limit && last;
    const key = more ? (sort === 'entered' ? await exactCreatedAt(trx, 'incident', last.organisation_id, last.id) : cursorKey(sort, last)) : null;
    return {
      items,
      nextCursor: more ? encodeCursor(sort, key, last.id) : null,
      ...(rankedAmong !== undefined ? { rankedAmong } : {}),
    };
  }));
}

/** A search cancelled at the statement timeout is reported as such (a clear message, not a crash). */
async function cancelledAsTimeout<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: string }).code === '57014') throw new AppError('timeout', { cause: e });
    throw e;
  }
}

/**
 * How many matching incidents a facet count reads at most. A broad search over a million incidents
 * matches hundreds of thousands, and counting them all took seconds; beyond this many, the total
 * and the counts are those of the first matches read, each a lower bound, and say so ("500+").
 */
export const facetCountCap = 500;

export interface FacetCounts {
  total: number;
  /** More incidents may match than were counted: `total` is a lower bound (see searchWindow). */
  totalAtLeast?: boolean;
  /** Each count is exact unless `atLeast` (its filter set matched more than facetCountCap incidents). */
  facets: Record<Facet, { value: string; label?: string; count: number; atLeast?: boolean }[]>;
}

const facetFilterSet: Record<Facet, (q: ListQuery) => boolean> = {
  country: (q) => !!q.country,
  subdivision: (q) => !!q.subdivision,
  visibility: (q) => !!q.visibility,
  organisation: (q) => !!q.organisation,
  year: (q) => !!(q.from || q.to),
  actType: (q) => !!q.actType,
  perpetratorType: (q) => !!q.perpetratorType,
  sector: (q) => !!q.sector,
};

const facetList: Facet[] = ['country', 'subdivision', 'visibility', 'organisation', 'year', 'actType', 'perpetratorType', 'sector'];

/** The SELECT counting one facet over the sample `s` (organisation_id, id and the incident's columns). */
function facetCountSql(f: Facet): RawBuilder<unknown> {
  switch (f) {
    case 'country':
    case 'subdivision':
    case 'visibility':
    case 'year':
      return sql`SELECT ${f}::text AS facet, ${sql.ref(`s.${f}`)}::text AS value, NULL::text AS label, count(*) AS count FROM s GROUP BY 2`;
    case 'organisation':
      return sql`SELECT 'organisation'::text, s.organisation_id::text, o.name::text, count(*) FROM s JOIN organisation o ON o.id = s.organisation_id GROUP BY 2, 3`;
    case 'actType':
      return sql`SELECT 'actType'::text, a.act_type::text, NULL::text, count(DISTINCT a.incident_id) FROM sa a GROUP BY 2`;
    case 'perpetratorType':
      return sql`SELECT 'perpetratorType'::text, v.perpetrator_type::text, NULL::text, count(DISTINCT a.incident_id) FROM sa a
        JOIN involvement v ON v.organisation_id = a.organisation_id AND v.act_id = a.id AND v.archived_at IS NULL GROUP BY 2`;
    case 'sector':
      return sql`SELECT 'sector'::text, x.sector::text, NULL::text, count(DISTINCT a.incident_id) FROM sa a
        JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
        CROSS JOIN LATERAL unnest(v.sectors) AS x(sector) GROUP BY 2`;
  }
}

/**
 * Counts of incidents per value of each facet. Each facet is counted with every other filter
 * applied but not its own, so the other values of a chosen facet stay visible and selectable.
 * Facets whose own filter is not set share one set of matches: one statement reads it once (at
 * most facetCountCap + 1 incidents) and counts all of them; each chosen facet gets its own. The
 * statements run at once, each in its own transaction (on a server, its own connection and core);
 * PGlite's single connection runs them one after the other.
 */
export async function incidentFacets(ctx: Ctx, actor: Actor, q: ListQuery, opts: { cap?: number; window?: number } = {}): Promise<FacetCounts> {
  authorize(actor, 'record.read');
  const cap = opts.cap ?? facetCountCap;
  const scope = readScope(actor);
  const groups = new Map<Facet | '', Facet[]>([['', []]]);
  for (const f of facetList) {
    const key = facetFilterSet[f](q) ? f : '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  type C = { facet: string; value: string | null; label: string | null; count: string };
  const out: FacetCounts = { total: 0, facets: { country: [], subdivision: [], visibility: [], organisation: [], year: [], actType: [], perpetratorType: [], sector: [] } };
  const keyed = q.q ? await keyedSearch(ctx, ctx.db, scope.organisationIds, q.q) : [];
  const counted = [...groups].map(([except, facets]) => cancelledAsTimeout(() => inTransaction(ctx.db, scope, async (trx) => {
    const filters = scopeParts(scope).map((part) => splitFilters(scope, q, except || undefined, part, keyed));
    const parts = filters.map(
      (f) => sql`(SELECT t.organisation_id, t.id, t.country, t.subdivision, t.visibility, extract(year FROM t.start_date)::int AS year
        FROM incident t WHERE ${sql.join([...f.rows, ...f.matches], sql` AND `)} LIMIT ${cap + 1})`,
    );
    // The sample first from the first `window` incidents that pass the column filters (any matches
    // serve: the counts are of a sample once there are more than `cap`).
    const window = await searchWindowOf(trx, opts.window);
    const windowed = window > 0 && filters.some((f) => f.matches.length > 0)
      ? filters.map(
          (f) => sql`(SELECT t.organisation_id, t.id, t.country, t.subdivision, t.visibility, extract(year FROM t.start_date)::int AS year
            FROM (SELECT * FROM incident t WHERE ${sql.join(f.rows, sql` AND `)} LIMIT ${window}) t
            ${f.matches.length ? sql`WHERE ${sql.join(f.matches, sql` AND `)}` : sql``} LIMIT ${cap + 1})`,
        )
      : null;
    const counts = [sql`SELECT 'n'::text AS facet, NULL::text AS value, NULL::text AS label, count(*) AS count FROM s`, ...facets.map(facetCountSql)];
    const actLevel = facets.some((f) => f === 'actType' || f === 'perpetratorType' || f === 'sector');
    // The sample's live acts, read once for every act-level facet.
    const sa = actLevel
      ? sql`, sa AS MATERIALIZED (SELECT a.organisation_id, a.incident_id, a.id, a.act_type, a.victim_id FROM s
          JOIN act a ON a.organisation_id = s.organisation_id AND a.incident_id = s.id AND a.archived_at IS NULL)`
      : sql``;
    const countOver = async (sample: RawBuilder<unknown>[]) =>
      (
        await sql<C>`WITH s AS MATERIALIZED (SELECT * FROM (${sql.join(sample, sql` UNION ALL `)}) p LIMIT ${cap + 1})${sa}
      SELECT * FROM (${sql.join(counts, sql` UNION ALL `)}) u
      ORDER BY facet, CASE WHEN facet = 'year' THEN 0 ELSE count END DESC, CASE WHEN facet = 'year' THEN value END DESC,
        CASE WHEN facet = 'organisation' THEN label ELSE value END`.execute(trx)
      ).rows;
    const matched = (rows: C[]) => Number(rows.find((x) => x.facet === 'n')?.count ?? 0);
    if (windowed) {
      const sampled = await countOver(windowed);
      const k = matched(sampled);
      if (k > cap) return { except, rows: sampled, atLeast: true };
      // Fewer than `cap` in the window: exact if the window held every incident passing the column
      // filters; else still a fair lower bound when it found at least half of `cap` (the set is then
      // large, and asking the index for all of it is what the window avoids); else the index.
      if (!(await beyondWindow(trx, filters, window)).some(Boolean)) return { except, rows: sampled, atLeast: false };
      if (2 * k >= cap) return { except, rows: sampled, atLeast: true };
    }
    const rows = await countOver(parts);
    return { except, rows, atLeast: matched(rows) > cap };
  })));
  for (const { except, rows, atLeast } of await Promise.all(counted)) {
    const matched = Number(rows.find((x) => x.facet === 'n')?.count ?? 0);
    if (except === '') {
      out.total = matched;
      if (atLeast) out.totalAtLeast = true;
    }
    for (const x of rows) {
      if (x.facet === 'n' || x.value == null) continue;
      out.facets[x.facet as Facet].push({ value: String(x.value), ...(x.label ? { label: x.label } : {}), count: Number(x.count), ...(atLeast ? { atLeast: true } : {}) });
    }
  }
  return out;
}

/**
 * Ids of every incident of the scope's own organisations that matches the list's filters: no page
 * and no cap (sharing every match must share every match), newest entered first.
 */
export async function ownMatchingIncidentIds(ctx: Ctx, trx: DB, scope: Scope, q: ListQuery): Promise<string[]> {
  const keyed = q.q ? await keyedSearch(ctx, trx, scope.organisationIds, q.q) : [];
  const f = splitFilters(scope, q, undefined, 'own', keyed);
  const r = await sql<{ id: string }>`SELECT t.id FROM incident t WHERE ${sql.join([...f.rows, ...f.matches], sql` AND `)}
    ORDER BY ${orderBy.entered}`.execute(trx);
  return r.rows.map((x) => x.id);
}
