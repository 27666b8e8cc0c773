/**
 * What the public may see of incidents: only records their owner published (visibility public, not
 * archived), with dates generalised to the month and places to the state; never victims' names,
 * narratives, sources or evidence.
 */
import { sql } from 'kysely';
import { inTransaction, publicScope, type DB } from '../store/index.js';

export interface PublicIncident {
  id: string;
  title: string;
  month: string | null;
  country: string | null;
  subdivision: string | null;
  actTypes: string[];
  organisation: string;
}

export async function listPublicIncidents(db: DB, opts: { limit: number; country?: string }): Promise<PublicIncident[]> {
  const rows = await inTransaction(db, publicScope, (trx) => sql<{
    id: string;
    title: string;
    start_date: string | null;
    start_precision: string | null;
    country: string | null;
    subdivision: string | null;
    act_types: string[] | null;
    organisation: string;
  }>`SELECT i.id, i.title, i.start_date, i.start_precision, i.country, i.subdivision, o.name AS organisation,
      (SELECT array_agg(DISTINCT a.act_type ORDER BY a.act_type) FROM act a
        WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL) AS act_types
    FROM incident i JOIN organisation o ON o.id = i.organisation_id
    WHERE i.visibility = 'public' AND i.archived_at IS NULL AND o.sealed_at IS NULL
      ${opts.country ? sql`AND i.country = ${opts.country}` : sql``}
    ORDER BY i.start_date DESC NULLS LAST, i.id
    LIMIT ${opts.limit}`.execute(trx));
  return rows.rows.map((r) => ({
    id: r.id,
    title: r.title,
    month: r.start_date && r.start_precision !== 'year' ? r.start_date.slice(0, 7) : (r.start_date?.slice(0, 4) ?? null),
    country: r.country,
    subdivision: r.subdivision,
    actTypes: r.act_types ?? [],
    organisation: r.organisation,
  }));
}
