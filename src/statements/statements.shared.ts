/**
 * What the statement commands share: who acts, token hashing, slugs, the event log that goes with
 * every change, and the look-ups of a statement an organisation owns.
 */
import { createHash } from 'node:crypto';
import { actorOrganisation, actorUserId, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { newId, newToken } from '../shared/ids.js';
import { type MailConfig } from '../shared/mail.js';
import { appendAudit, inTransaction, systemScope, type DB } from '../store/index.js';
import { signatoryKeyByToken, statementSlugTaken } from './statements.queries.js';
import { nowFor } from './statements.clock.js';
import * as S from './statements.schema.js';
import type { StatementTable } from './statements.tables.js';
import './statements.tables.js';

export interface MailSettings extends MailConfig {
  readonly publicUrl: string;
}

export interface Who {
  organisationId: string;
  userId: string | null;
  requestId?: string | undefined;
  clientHash?: string | undefined;
}

export function whoFor(actor: Actor): Who {
  return {
    organisationId: actorOrganisation(actor),
    userId: actorUserId(actor),
    requestId: actor.requestId,
    clientHash: actor.kind === 'user' || actor.kind === 'anonymous' ? actor.clientHash : undefined,
  };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A URL slug from any title: accents folded, lower case, words joined by hyphens. */
export function slugify(text: string, max = 60): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = s.slice(0, max).replace(/-+[^-]*$/, '');
  return (s.length > max ? cut || s.slice(0, max) : s) || 'statement';
}

export function versionSlug(statementSlug: string, lang: string): string {
  return `${statementSlug}-${lang.toLowerCase()}`;
}

export async function logEvent(
  ctx: Ctx,
  trx: DB,
  who: { organisationId: string; userId: string | null; requestId?: string | undefined; clientHash?: string | undefined },
  statementId: string,
  event: string,
  detail: Record<string, unknown> = {},
  status?: { from: string; to: string },
  at?: Date,
): Promise<void> {
  await trx
    .insertInto('statement_event')
    .values({
      organisation_id: who.organisationId,
      id: newId(),
      statement_id: statementId,
      at: at ?? nowFor(ctx),
      by_user: who.userId,
      event,
      from_status: status?.from ?? null,
      to_status: status?.to ?? null,
      detail: JSON.stringify(detail),
    })
    .execute();
  await appendAudit(trx, {
    organisationId: who.organisationId,
    userId: who.userId,
    action: `statement.${event}`,
    objectTable: 'statement',
    objectId: statementId,
    requestId: who.requestId ?? null,
    clientHash: who.clientHash ?? null,
    detail: status ? { ...detail, from: status.from, to: status.to } : detail,
  });
}

export async function loadOwn(trx: DB, orgId: string, id: string) {
  const row = await trx.selectFrom('statement').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return row;
}

export async function assertSlugFree(trx: DB, slug: string, exceptStatement?: string): Promise<void> {
  if (await statementSlugTaken(trx, slug, exceptStatement ?? null)) throw new AppError('validation', { issues: [{ path: ['slug'], key: 'statements:errors.slug_taken', values: { slug } }] });
}

export async function uniqueSlug(trx: DB, base: string): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await statementSlugTaken(trx, candidate, null, true))) return candidate;
  }
  return `${base}-${newToken(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
}

export async function linkIncidents(trx: DB, orgId: string, statementId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length) {
    const found = await trx.selectFrom('incident').select('id').where('organisation_id', '=', orgId).where('id', 'in', unique).execute();
    const have = new Set(found.map((r) => r.id));
    const missing = unique.filter((i) => !have.has(i));
    if (missing.length) {
      throw new AppError('validation', { issues: missing.map((m) => ({ path: ['incidentIds', unique.indexOf(m)], key: 'statements:errors.incident_unknown' })) });
    }
  }
  await trx.deleteFrom('statement_incident').where('organisation_id', '=', orgId).where('statement_id', '=', statementId).execute();
  if (unique.length) {
    await trx.insertInto('statement_incident').values(unique.map((incident_id) => ({ organisation_id: orgId, statement_id: statementId, incident_id }))).execute();
  }
}

export function statementColumns(input: Partial<S.StatementCreate>): Partial<Record<keyof StatementTable, unknown>> {
  const cols: Partial<Record<keyof StatementTable, unknown>> = {};
  if (input.countries !== undefined) cols.countries = input.countries;
  if (input.themes !== undefined) cols.themes = input.themes;
  if (input.statementDate !== undefined) cols.statement_date = input.statementDate;
  if (input.pressName !== undefined) cols.press_name = input.pressName;
  if (input.pressEmail !== undefined) cols.press_email = input.pressEmail;
  if (input.pressPhone !== undefined) cols.press_phone = input.pressPhone;
  if (input.heroCredit !== undefined) cols.hero_credit = input.heroCredit;
  if (input.signDeadline !== undefined) cols.sign_deadline = input.signDeadline;
  if (input.openSignon !== undefined) cols.open_signon = input.openSignon;
  if (input.signatoryOrder !== undefined) cols.signatory_order = input.signatoryOrder;
  return cols;
}

/** A sign-on link's invitation and statement: the token names the row, then it is read in its organisation's scope. */
export async function byToken(db: DB, token: string, which: 'sign' | 'withdraw' = 'sign') {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const key = await signatoryKeyByToken(db, hashToken(token), which);
  if (!key) return null;
  return inTransaction(db, systemScope([key.organisation_id]), async (trx) => {
    const row = await trx.selectFrom('statement_signatory').selectAll().where('organisation_id', '=', key.organisation_id).where('id', '=', key.id).executeTakeFirstOrThrow();
    const st = await trx.selectFrom('statement').selectAll().where('organisation_id', '=', row.organisation_id).where('id', '=', row.statement_id).executeTakeFirstOrThrow();
    return { row, st };
  });
}
