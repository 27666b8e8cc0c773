/**
 * Intake drafts: a half-entered incident kept on the server per user and organisation, so a
 * dropped connection or a closed phone loses nothing. The payload can hold victims' names and
 * source identities, so it is stored only encrypted with the organisation's data key.
 */
import { sql } from 'kysely';
import { actorOrganisation, actorUserId, authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { isId, newId } from '../shared/ids.js';
import { inTransaction, type DB } from '../store/index.js';

export interface DraftSummary {
  id: string;
  title: string;
  updatedAt: string;
}

function owner(actor: Actor): { org: string; user: string } {
  authorize(actor, 'record.create');
  const user = actorUserId(actor);
  if (!user) throw new AppError('forbidden');
  return { org: actorOrganisation(actor), user };
}

const where = (id: string) => `intake_draft.payload_enc:${id}`;

export async function createDraft(ctx: Ctx, actor: Actor, payload: unknown): Promise<string> {
  const { org, user } = owner(actor);
  const id = newId();
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const enc = await ctx.keys.encrypt(trx, org, where(id), JSON.stringify(payload));
    await sql`INSERT INTO intake_draft (organisation_id, id, user_id, payload_enc) VALUES (${org}, ${id}, ${user}, ${enc})`.execute(trx);
  });
  return id;
}

export async function getDraft<T>(ctx: Ctx, actor: Actor, id: string): Promise<{ id: string; payload: T; updatedAt: string }> {
  const { org, user } = owner(actor);
  if (!isId(id)) throw new AppError('not_found');
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await sql<{ payload_enc: Buffer; updated_at: Date }>`SELECT payload_enc, updated_at FROM intake_draft
      WHERE organisation_id = ${org} AND id = ${id} AND user_id = ${user}`.execute(trx);
    const row = r.rows[0];
    if (!row) throw new AppError('not_found');
    const payload = JSON.parse(await ctx.keys.decrypt(trx, org, where(id), row.payload_enc)) as T;
    return { id, payload, updatedAt: new Date(row.updated_at).toISOString() };
  });
}

export async function saveDraft(ctx: Ctx, actor: Actor, id: string, payload: unknown): Promise<void> {
  const { org, user } = owner(actor);
  if (!isId(id)) throw new AppError('not_found');
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const enc = await ctx.keys.encrypt(trx, org, where(id), JSON.stringify(payload));
    const r = await sql`UPDATE intake_draft SET payload_enc = ${enc}, revision = revision + 1, updated_at = now()
      WHERE organisation_id = ${org} AND id = ${id} AND user_id = ${user}`.execute(trx);
    if (Number(r.numAffectedRows ?? 0) === 0) throw new AppError('not_found');
  });
}

export async function deleteDraft(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  const { org, user } = owner(actor);
  if (!isId(id)) throw new AppError('not_found');
  await inTransaction(ctx.db, writeScope(actor), (trx) =>
    sql`DELETE FROM intake_draft WHERE organisation_id = ${org} AND id = ${id} AND user_id = ${user}`.execute(trx),
  );
}

/** The user's drafts in the current organisation, newest first, titled from their payload. */
export async function listDrafts(ctx: Ctx, actor: Actor, titleOf: (payload: unknown) => string): Promise<DraftSummary[]> {
  const { org, user } = owner(actor);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await sql<{ id: string; payload_enc: Buffer; updated_at: Date }>`SELECT id, payload_enc, updated_at FROM intake_draft
      WHERE organisation_id = ${org} AND user_id = ${user} ORDER BY updated_at DESC LIMIT 50`.execute(trx);
    const out: DraftSummary[] = [];
    for (const row of r.rows) {
      const payload = JSON.parse(await ctx.keys.decrypt(trx, org, where(row.id), row.payload_enc)) as unknown;
      out.push({ id: row.id, title: titleOf(payload), updatedAt: new Date(row.updated_at).toISOString() });
    }
    return out;
  });
}

/**
 * Removes the draft and returns its payload, inside the caller's transaction. The row lock makes a
 * second concurrent save (a double tap on a slow connection) find nothing instead of saving twice.
 */
export async function takeDraft<T>(ctx: Ctx, actor: Actor, id: string, trx: DB): Promise<T> {
  const { org, user } = owner(actor);
  if (!isId(id)) throw new AppError('not_found');
  const r = await sql<{ payload_enc: Buffer }>`DELETE FROM intake_draft WHERE organisation_id = ${org} AND id = ${id} AND user_id = ${user}
    RETURNING payload_enc`.execute(trx);
  const row = r.rows[0];
  if (!row) throw new AppError('not_found');
  return JSON.parse(await ctx.keys.decrypt(trx, org, where(id), row.payload_enc)) as T;
}
