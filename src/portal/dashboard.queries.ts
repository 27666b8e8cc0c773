/**
 * Public dashboard of one country: counts of PUBLISHED incidents (visibility public, organisation
 * not sealed) per month, by act type and by state, each protected before it leaves this module:
 * cells under k suppressed with complementary suppression (disclosure/), dates generalised to the
 * month (records dated only to the year are left out and counted), no victim named (no names are
 * read at all), and every table checked against the earlier releases of the same table in the
 * release register so that successive releases cannot be differenced.
 *
 * Register alignment: an earlier release is compared on the union of categories; a category it
 * did not have is taken as published 0 there (it had no published records then). That is the
 * cautious reading: it can only find more conflicts, never fewer.
 */
import { sql } from 'kysely';
import { newId } from '../shared/ids.js';
import { inTransaction, publicScope, type DB } from '../store/index.js';
import {
  countInScope,
  countName,
  describeEscalation,
  escalationInScope,
  type EscalationResult,
} from '../trends/index.js';
import {
  protectTable1DWithRegister,
  publicCells,
  type Protected1D,
  type PublicCell,
  type RegisteredRelease,
} from './disclosure/index.js';
import type { Lang } from '../shared/i18n/index.js';
import { t } from '../shared/i18n/index.js';

export interface PublicTable {
  key: string;
  categories: string[];
  cells: PublicCell[];
  total: PublicCell | null;
  /** The whole table was withheld (it could not be protected against earlier releases). */
  withheld: boolean;
  releaseId: string;
}

export interface Dashboard {
  country: string;
  k: number;
  monthly: PublicTable;
  byActType: PublicTable;
  byState: PublicTable;
  /** Published incidents dated only to the year: not in the monthly series. */
  excludedYearOnly: number;
  /** Shown only when both sides of the change hold 0 or at least k incidents. */
  escalation: { sentence: string; changePeriod: string | null; result: Pick<EscalationResult, 'status' | 'method' | 'seed' | 'replicates'> } | null;
  /** When the figures were taken (the latest release of the monthly table). */
  releasedAt: Date;
}

interface StoredRelease {
  id: string;
  categories: string[];
  published: { value: number | null; suppressed: boolean }[];
  total: number | null;
  k: number;
  released_at: Date;
}

function asJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

async function releasesOf(db: DB, key: string): Promise<StoredRelease[]> {
  const rows = await db.selectFrom('public_release').selectAll().where('table_key', '=', key).orderBy('released_at', 'desc').limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    categories: asJson<string[]>(r.categories),
    published: asJson<{ value: number | null; suppressed: boolean }[]>(r.published),
    total: r.total,
    k: r.k,
    released_at: r.released_at,
  }));
}

/** An earlier release laid out on `categories` (absent categories published as 0). */
export function alignRelease(rel: StoredRelease, categories: string[]): RegisteredRelease {
  const at = new Map(rel.categories.map((c, i) => [c, rel.published[i]!]));
  const cells = categories.map((c) => {
    const p = at.get(c) ?? { value: 0, suppressed: false };
    return { value: p.suppressed ? null : p.value, suppressed: p.suppressed, reason: p.suppressed ? ('primary' as const) : null };
  });
  const table: Protected1D = {
    kind: 'table1d',
    k: rel.k,
    categories,
    cells,
    total: { value: rel.total, suppressed: rel.total === null, reason: rel.total === null ? 'primary' : null },
    withheld: false,
    groupDisclosures: [],
    bounds: [],
  };
  return { id: rel.id, table };
}

function monthRange(a: string, b: string): string[] {
  const out: string[] = [];
  let y = Number(a.slice(0, 4));
  let m = Number(a.slice(5, 7));
  while (`${y}-${String(m).padStart(2, '0')}` <= b) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/**
 * Protects one 1-D table against its register and records it as a new release when what is
 * published changed (re-reading an unchanged dashboard adds nothing to the register). `db` is a
 * transaction in the public scope: on a server, row-level security shows the register to no other.
 */
export async function releaseTable(db: DB, key: string, counts: Map<string, number>, k: number, opts: { months?: boolean } = {}): Promise<PublicTable> {
  const earlier = await releasesOf(db, key);
  let categories = [...new Set([...counts.keys(), ...earlier.flatMap((r) => r.categories)])].sort();
  if (opts.months && categories.length) categories = monthRange(categories[0]!, categories[categories.length - 1]!);
  const table = { categories, counts: categories.map((c) => counts.get(c) ?? 0) };
  const outcome = protectTable1DWithRegister(table, earlier.map((r) => alignRelease(r, categories)), { k });
  const withheld = outcome.status === 'refused' || outcome.table.withheld;
  const cells: PublicCell[] = withheld ? categories.map(() => ({ value: null, suppressed: true })) : publicCells(outcome.table.cells);
  const total: PublicCell | null = withheld ? { value: null, suppressed: true } : outcome.table.total ? publicCells([outcome.table.total])[0]! : null;
  const last = earlier[0];
  const same =
    last &&
    last.k === k &&
    JSON.stringify(last.categories) === JSON.stringify(categories) &&
    JSON.stringify(last.published) === JSON.stringify(cells) &&
    last.total === (total?.value ?? null);
  let releaseId = last?.id ?? '';
  if (!same) {
    releaseId = newId();
    await db
      .insertInto('public_release')
      .values({ id: releaseId, table_key: key, k, categories: JSON.stringify(categories), published: JSON.stringify(cells), total: total?.value ?? null })
      .execute();
  }
  return { key, categories, cells, total, withheld, releaseId };
}

/** The dashboard of a country, protected and registered (see the module comment). */
/** `readDb`: where the counts are read (a read replica may serve them); releases are registered on `db`. */
export async function countryDashboard(db: DB, country: string, k: number, lang: Lang, readDb: DB = db): Promise<Dashboard> {
  const monthly = await countInScope(readDb, 'public', { unit: 'incidents', period: 'month', by: [], where: { country: [country] } });
  const byType = await countInScope(readDb, 'public', { unit: 'incidents', by: ['act_type'], where: { country: [country] } });
  const byState = await countInScope(readDb, 'public', { unit: 'incidents', by: ['subdivision'], where: { country: [country] } });
  const toMap = (rows: { period?: string; keys: Record<string, string | null | undefined>; count: number }[], key: (r: (typeof rows)[number]) => string) =>
    new Map(rows.filter((r) => r.count > 0).map((r) => [key(r), r.count]));
  // One lock per dashboard: two readers at once must not both register a release.
  // The release register is read and appended in the public scope (row-level security, migration 055).
  const { tables, released } = await inTransaction(db, publicScope, async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${'dashboard:' + country}))`.execute(trx);
    const tables = {
      monthly: await releaseTable(trx, `dashboard:${country}:incidents:month`, toMap(monthly.rows, (r) => r.period!), k, { months: true }),
      byActType: await releaseTable(trx, `dashboard:${country}:incidents:act_type`, toMap(byType.rows, (r) => r.keys.act_type ?? 'unknown'), k),
      byState: await releaseTable(trx, `dashboard:${country}:incidents:subdivision`, toMap(byState.rows, (r) => r.keys.subdivision ?? 'unknown'), k),
    };
    return { tables, released: await trx.selectFrom('public_release').select('released_at').where('id', '=', tables.monthly.releaseId).executeTakeFirst() };
  });
  let escalation: Dashboard['escalation'] = null;
  // Statistics run on the true counts; the sentence is published only if each side is 0 or ≥ k.
  const a = await escalationInScope(readDb, 'public', { unit: 'incidents', country });
  const r = a.result;
  const safe = (n: number | null) => n === null || n === 0 || n >= k;
  if (r.status !== 'insufficient_data' && safe(r.countBefore) && safe(r.countAfter) && !tables.monthly.withheld) {
    escalation = {
      sentence: describeEscalation(r, lang, { subject: t(lang, 'dashboards:subject', { country: countName(country, lang) }) }),
      changePeriod: r.status === 'change' ? r.changePeriod : null,
      result: { status: r.status, method: r.method, seed: r.seed, replicates: r.replicates },
    };
  }
  return {
    country,
    k,
    monthly: tables.monthly,
    byActType: tables.byActType,
    byState: tables.byState,
    excludedYearOnly: monthly.excluded.imprecise + monthly.excluded.undated,
    escalation,
    releasedAt: released?.released_at ?? new Date(),
  };
}
