/**
 * The acts a linkage run reads: the running organisation's own acts and the acts its coalitions
 * were given, as the running user may see them (the read scope). Partners' victim names enter the
 * comparison only where the owner shared `victim_names` with one of the user's coalitions; otherwise
 * the name is null and weighs nothing (docs/methods/linkage.md, "In the platform").
 */
import { sql } from 'kysely';
import type { Ctx } from '../../access/index.js';
import type { DB, Scope } from '../../store/index.js';
import type { LinkRecord } from '../index.js';

export interface ActMeta {
  memberOrganisationId: string;
  actId: string;
  incidentId: string;
  /** YYYY, YYYY-MM or YYYY-MM-DD after the act's (else the incident's) date precision. */
  date: string | null;
  actType: string;
  subdivision: string | null;
}

export interface LinkageInput {
  records: LinkRecord[];
  meta: ActMeta[];
  /** Records whose victim name was compared (own acts, and partners' acts shared with names). */
  namesCompared: number;
}

interface ActRow {
  organisation_id: string;
  id: string;
  incident_id: string;
  act_type: string;
  start_date: string | null;
  start_precision: string | null;
  inc_date: string | null;
  inc_precision: string | null;
  subdivision: string | null;
  victim_id: string;
  victim_kind: string;
  group_size: number | null;
  sectors: string[] | null;
  name_enc: Buffer | null;
  perpetrators: string[] | null;
  names_shared: boolean;
}

function dateText(date: unknown, precision: string | null): string | null {
  if (date == null) return null;
  const d = date instanceof Date ? date.toISOString().slice(0, 10) : String(date).slice(0, 10);
  if (precision === 'year') return d.slice(0, 4);
  if (precision === 'month') return d.slice(0, 7);
  return d;
}

/** Reads the acts in `scope` (own organisation + shares to the scope's coalitions), oldest first. */
export async function readLinkageInput(ctx: Ctx, trx: DB, scope: Scope): Promise<LinkageInput> {
  const own = scope.organisationIds as string[];
  const coalitions = scope.coalitionIds as string[];
  const r = await sql<ActRow>`
    SELECT a.organisation_id, a.id, a.incident_id, a.act_type, a.start_date::text AS start_date, a.start_precision,
      i.start_date::text AS inc_date, i.start_precision AS inc_precision,
      coalesce(a.subdivision, i.subdivision) AS subdivision,
      v.id AS victim_id, v.kind AS victim_kind, v.group_size, v.sectors,
      v.name_enc,
      (SELECT array_agg(DISTINCT inv.perpetrator_type ORDER BY inv.perpetrator_type) FROM involvement inv
        WHERE inv.organisation_id = a.organisation_id AND inv.act_id = a.id AND inv.archived_at IS NULL) AS perpetrators,
      (a.organisation_id = ANY(${own}::uuid[]) OR EXISTS (SELECT 1 FROM record_share s
        WHERE s.organisation_id = a.organisation_id AND s.incident_id = a.incident_id
          AND s.coalition_id = ANY(${coalitions}::uuid[]) AND 'victim_names' = ANY(coalesce(s.fields, '{}'::text[])))) AS names_shared
    FROM act a
    JOIN incident i ON i.organisation_id = a.organisation_id AND i.id = a.incident_id
    JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
    WHERE a.archived_at IS NULL AND i.archived_at IS NULL
      AND (a.organisation_id = ANY(${own}::uuid[])
        OR (i.visibility <> 'private' AND EXISTS (SELECT 1 FROM record_share s
          WHERE s.organisation_id = a.organisation_id AND s.incident_id = a.incident_id
            AND s.coalition_id = ANY(${coalitions}::uuid[]))))
    ORDER BY a.organisation_id, a.id`.execute(trx);
  const records: LinkRecord[] = [];
  const meta: ActMeta[] = [];
  let namesCompared = 0;
  for (const row of r.rows) {
    const date = dateText(row.start_date, row.start_precision) ?? dateText(row.inc_date, row.inc_precision);
    let name: string | null = null;
    if (row.names_shared && row.name_enc) {
      name = await ctx.keys.decrypt(trx, row.organisation_id, `actor.name_enc:${row.victim_id}`, row.name_enc);
      namesCompared++;
    }
    records.push({
      source: row.organisation_id,
      id: row.id,
      fields: {
        id: row.id,
        act_type: row.act_type,
        date,
        subdivision: row.subdivision,
        victim_kind: row.victim_kind,
        group_size: row.group_size == null ? null : String(row.group_size),
        sectors: row.sectors && row.sectors.length ? [...row.sectors].sort().join(' ') : null,
        perpetrators: row.perpetrators && row.perpetrators.length ? row.perpetrators.join(' ') : null,
        victim_name: name,
      },
    });
    meta.push({ memberOrganisationId: row.organisation_id, actId: row.id, incidentId: row.incident_id, date, actType: row.act_type, subdivision: row.subdivision });
  }
  return { records, meta, namesCompared };
}
