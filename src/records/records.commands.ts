/**
 * Writes to the documentation model. Each command authorises, validates, writes in one
 * transaction with its history row and audit entry, and returns the record as its owner sees it.
 */
import type { z } from 'zod';
import { actorOrganisation, actorUserId, authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { inTransaction, type DB, type RecordTable } from '../store/index.js';
import { parseInput } from './parse-input.js';
import { getRow, insertRecord, toColumns, updateRecord, type Row, type Who } from './record-store.js';
import * as S from './records.schema.js';
import { presentRow, type Presented } from './records.present.js';
import { replaceIncidentWords } from './word-index.js';

type Schemas = { create: z.ZodType; update: z.ZodType };

export const recordSchemas: Record<Exclude<RecordTable, 'evidence'>, Schemas> = {
  incident: { create: S.incidentCreate, update: S.incidentUpdate },
  actor: { create: S.actorCreate, update: S.actorUpdate },
  act: { create: S.actCreate, update: S.actUpdate },
  involvement: { create: S.involvementCreate, update: S.involvementUpdate },
  source: { create: S.sourceCreate, update: S.sourceUpdate },
  intervention: { create: S.interventionCreate, update: S.interventionUpdate },
  incident_link: { create: S.incidentLinkCreate, update: S.incidentLinkUpdate },
};
export type EditableTable = keyof typeof recordSchemas;

function whoFor(actor: Actor): Who {
  return {
    organisationId: actorOrganisation(actor),
    userId: actorUserId(actor),
    requestId: actor.requestId,
    clientHash: actor.kind === 'user' || actor.kind === 'anonymous' ? actor.clientHash : undefined,
  };
}

/** Columns that need more than the field map: the incident narrative and the actor name. */
async function specialColumns(ctx: Ctx, trx: DB, table: RecordTable, orgId: string, id: string, input: Record<string, unknown>, existing?: Row) {
  const cols: Record<string, unknown> = {};
  if (table === 'incident' && ('narrative' in input || 'narrativeSensitive' in input)) {
    const sensitive = (input.narrativeSensitive as boolean | undefined) ?? (existing?.narrative_sensitive as boolean | undefined) ?? false;
    let narrative = input.narrative as string | null | undefined;
    if (narrative === undefined && existing) {
      narrative = existing.narrative_enc
        ? await ctx.keys.decrypt(trx, orgId, `incident.narrative_enc:${id}`, existing.narrative_enc as Buffer)
        : ((existing.narrative as string | null) ?? null);
    }
    const text = narrative ?? null;
    cols.narrative_sensitive = sensitive;
    cols.narrative = sensitive || !text ? null : text;
    cols.narrative_enc = sensitive && text ? await ctx.keys.encrypt(trx, orgId, `incident.narrative_enc:${id}`, text) : null;
  }
  if (table === 'actor' && typeof input.name === 'string') {
    cols.name_enc = await ctx.keys.encrypt(trx, orgId, `actor.name_enc:${id}`, input.name);
    cols.name_bidx = await ctx.keys.blindIndex(trx, orgId, input.name);
  }
  if (table === 'incident' && !existing && !('status' in input)) cols.status = 'open';
  return cols;
}

/** After an incident's narrative was written: its encrypted words go to the keyed word index. */
async function indexNarrative(ctx: Ctx, trx: DB, table: RecordTable, row: Row, input: Record<string, unknown>): Promise<void> {
  if (table !== 'incident' || !('narrative' in input || 'narrativeSensitive' in input)) return;
  const text = row.narrative_enc ? await ctx.keys.decrypt(trx, row.organisation_id, `incident.narrative_enc:${row.id}`, row.narrative_enc as Buffer) : null;
  await replaceIncidentWords(ctx, trx, row.organisation_id, row.id, text);
}

/**
 * Creates one record. With `inTrx` (a transaction the caller opened with the actor's write scope)
 * several records can be created all-or-nothing, as the intake does for a whole incident.
 */
export async function createRecord(ctx: Ctx, actor: Actor, table: EditableTable, body: unknown, lang: 'es' | 'en' = 'es', inTrx?: DB): Promise<Presented> {
  authorize(actor, 'record.create');
  const input = parseInput(recordSchemas[table].create, body, lang) as Record<string, unknown>;
  const who = whoFor(actor);
  const run = <T,>(fn: (trx: DB) => Promise<T>) => (inTrx ? fn(inTrx) : inTransaction(ctx.db, writeScope(actor), fn));
  return run(async (trx) => {
    const id = newId();
    const cols = {
      ...(await toColumns(ctx, trx, table, who.organisationId, id, input)),
      ...(await specialColumns(ctx, trx, table, who.organisationId, id, input)),
    };
    const row = await insertRecord(trx, table, who, id, cols);
    await indexNarrative(ctx, trx, table, row, input);
    return presentRow(ctx, trx, table, row);
  });
}

/** Re-throws a conflict with the stored version presented, so the client can show both. */
async function presentConflict(ctx: Ctx, actor: Actor, table: RecordTable, e: unknown, yours: unknown): Promise<never> {
  if (e instanceof AppError && e.code === 'conflict' && e.details.current) {
    const current = await inTransaction(ctx.db, writeScope(actor), (trx) => presentRow(ctx, trx, table, e.details.current as Row));
    throw new AppError('conflict', { details: { ...e.details, current, yours } });
  }
  throw e;
}

export async function updateRecordCommand(
  ctx: Ctx,
  actor: Actor,
  table: EditableTable,
  id: string,
  body: unknown,
  lang: 'es' | 'en' = 'es',
): Promise<Presented> {
  authorize(actor, 'record.update');
  const { version, reason, ...input } = parseInput(recordSchemas[table].update, body, lang) as Record<string, unknown> & {
    version: number;
    reason?: string | null;
  };
  const who = whoFor(actor);
  try {
    return await inTransaction(ctx.db, writeScope(actor), async (trx) => {
      const existing = await getRow(trx, table, who.organisationId, id);
      if (!existing) throw new AppError('not_found');
      const cols = {
        ...(await toColumns(ctx, trx, table, who.organisationId, id, input)),
        ...(await specialColumns(ctx, trx, table, who.organisationId, id, input, existing)),
      };
      const row = await updateRecord(trx, table, who, id, version, cols, { reason });
      await indexNarrative(ctx, trx, table, row, input);
      return presentRow(ctx, trx, table, row);
    });
  } catch (e) {
    return presentConflict(ctx, actor, table, e, body);
  }
}

export async function archiveRecord(ctx: Ctx, actor: Actor, table: EditableTable, id: string, body: unknown, restore = false, lang: 'es' | 'en' = 'es'): Promise<Presented> {
  authorize(actor, 'record.archive');
  const { version, reason } = parseInput(S.archiveInput, body, lang);
  const who = whoFor(actor);
  try {
    return await inTransaction(ctx.db, writeScope(actor), async (trx) => {
      const row = await updateRecord(trx, table, who, id, version, {}, { reason, action: restore ? 'restore' : 'archive' });
      return presentRow(ctx, trx, table, row);
    });
  } catch (e) {
    return presentConflict(ctx, actor, table, e, body);
  }
}
