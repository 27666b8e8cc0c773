/**
 * Shapes stored rows for one viewer. The owner organisation sees everything; a coalition partner
 * sees the shared set only: never names, aliases, contacts, source identities, sensitive
 * narratives or evidence file names, unless the owner listed that field in the share.
 */
import type { Ctx } from '../access/index.js';
import type { DB, RecordTable } from '../store/index.js';
import { fromColumns, type Row } from './record-store.js';

export type Viewer = { kind: 'owner' } | { kind: 'partner'; extraFields: readonly string[] };
export const ownerView: Viewer = { kind: 'owner' };

/** Fields a partner never sees unless the share lists them by name. */
export const partnerWithheld: Record<RecordTable, readonly string[]> = {
  incident: ['narrative', 'latitude', 'longitude', 'placeName'],
  actor: ['name', 'aliases', 'contact', 'affiliationId'],
  act: ['notes', 'charges', 'court', 'placeName'],
  involvement: ['remarks', 'perpetratorId'],
  source: ['identity', 'notes', 'url'],
  evidence: ['originalName', 'description'],
  intervention: ['notes'],
  incident_link: ['remarks'],
};

/** Field names a share may list to let partners see more. */
export const shareableFields = ['narrative', 'victim_names', 'place_names', 'source_urls'] as const;

const shareUnlocks: Record<(typeof shareableFields)[number], { table: RecordTable; field: string }[]> = {
  narrative: [{ table: 'incident', field: 'narrative' }],
  victim_names: [{ table: 'actor', field: 'name' }],
  place_names: [
    { table: 'incident', field: 'placeName' },
    { table: 'act', field: 'placeName' },
  ],
  source_urls: [{ table: 'source', field: 'url' }],
};

export interface Presented {
  id: string;
  organisationId: string;
  version: number;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
  archivedAt: string | null;
  withheld?: string[];
  [field: string]: unknown;
}

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());

export async function presentRow(ctx: Ctx, db: DB, table: RecordTable, row: Row, viewer: Viewer = ownerView): Promise<Presented> {
  const fields = await fromColumns(ctx, db, table, row);
  if (table === 'incident') {
    fields.narrative = row.narrative_enc
      ? await ctx.keys.decrypt(db, row.organisation_id, `incident.narrative_enc:${row.id}`, row.narrative_enc as Buffer)
      : ((row.narrative as string | null) ?? null);
    // A sensitive narrative is never shared, whatever the share lists.
    if (viewer.kind === 'partner' && row.narrative_sensitive) fields.narrative = null;
    fields.latitude = row.latitude == null ? null : Number(row.latitude);
    fields.longitude = row.longitude == null ? null : Number(row.longitude);
  }
  if (table === 'actor') {
    fields.name = await ctx.keys.decrypt(db, row.organisation_id, `actor.name_enc:${row.id}`, row.name_enc as Buffer);
  }
  if (table === 'evidence') fields.sizeBytes = Number(row.size_bytes);
  const out: Presented = {
    id: row.id,
    organisationId: row.organisation_id,
    version: row.version,
    createdAt: iso(row.created_at)!,
    createdBy: (row.created_by as string | null) ?? null,
    updatedAt: iso(row.updated_at)!,
    updatedBy: (row.updated_by as string | null) ?? null,
    archivedAt: iso(row.archived_at),
    ...fields,
  };
  if (viewer.kind === 'partner') {
    const unlocked = new Set(
      viewer.extraFields.flatMap((f) => (shareUnlocks[f as keyof typeof shareUnlocks] ?? []).filter((u) => u.table === table).map((u) => u.field)),
    );
    const withheld = partnerWithheld[table].filter((f) => !unlocked.has(f));
    for (const f of withheld) delete out[f];
    out.createdBy = null;
    out.updatedBy = null;
    out.withheld = withheld;
  }
  return out;
}
