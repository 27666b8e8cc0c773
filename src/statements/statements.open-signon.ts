/**
 * Open sign-on: a member of the public adds their name; it counts only after confirmation by e-mail
 * and moderation by the coordinating organisation.
 */
import { authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { parseInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import { newId, newToken } from '../shared/ids.js';
import { sendMail } from '../shared/mail.js';
import { inTransaction, publicScope, systemScope } from '../store/index.js';
import { statementStatusBySlug } from './statements.queries.js';
import { nowFor } from './statements.clock.js';
import { invalidatePublic } from './public-cache.js';
import * as S from './statements.schema.js';
import type { StatementStatus } from './statements.tables.js';
import './statements.tables.js';
import type { LinkState } from './statements.signon.js';
import { byToken, hashToken, loadOwn, logEvent, whoFor, type MailSettings } from './statements.shared.js';

/** A member of the public adds their name; it counts only after e-mail confirmation and moderation. */
export async function requestOpenSignature(ctx: Ctx, versionSlug: string, body: unknown, mail: MailSettings, lang: Lang = 'es'): Promise<LinkState> {
  // Read as the public reads it: a statement that does not accept names from the public is closed.
  const found = await inTransaction(ctx.db, publicScope, async (trx) => {
    const v = await trx.selectFrom('statement_version').select(['organisation_id', 'statement_id', 'title']).where('slug', '=', versionSlug).executeTakeFirst();
    if (!v) return (await statementStatusBySlug(trx, versionSlug)) ? 'closed' : 'invalid';
    const st = await trx.selectFrom('statement').selectAll().where('organisation_id', '=', v.organisation_id).where('id', '=', v.statement_id).executeTakeFirstOrThrow();
    return { v, st };
  });
  if (typeof found === 'string') return found;
  const { v, st } = found;
  const now = nowFor(ctx);
  const state = openSignState(st, now);
  if (state !== 'ok') return state;
  const input = parseInput(S.openSignInput, body, lang);
  const token = newToken();
  const sid = newId();
  await inTransaction(ctx.db, systemScope([v.organisation_id]), async (trx) => {
    await trx
      .insertInto('statement_signatory')
      .values({
        organisation_id: v.organisation_id,
        id: sid,
        statement_id: v.statement_id,
        kind: 'individual',
        email_enc: await ctx.keys.encrypt(trx, v.organisation_id, `statement_signatory.email_enc:${sid}`, input.email),
        signer_name_enc: await ctx.keys.encrypt(trx, v.organisation_id, `statement_signatory.signer_name_enc:${sid}`, input.name),
        invite_lang: lang,
        status: 'unconfirmed',
        token_hash: hashToken(token),
        token_expires_at: new Date(now.getTime() + 2 * 86400_000),
        display_names: JSON.stringify({}),
      })
      .execute();
    await logEvent(ctx, trx, { organisationId: v.organisation_id, userId: null }, v.statement_id, 'open_sign.request', { signatoryId: sid });
  });
  const link = `${mail.publicUrl.replace(/\/$/, '')}/sign/confirm/${token}?lang=${lang}`;
  await sendMail(mail, { to: input.email, subject: t(lang, 'statements:mail.confirm_subject', { title: v.title }), text: t(lang, 'statements:mail.confirm_text', { title: v.title, link }) });
  return 'ok';
}

export function openSignState(st: { status: StatementStatus; open_signon: boolean; sign_deadline: Date | null }, now: Date): LinkState {
  if (!st.open_signon) return 'closed';
  if (st.sign_deadline && st.sign_deadline.getTime() <= now.getTime()) return 'deadline';
  return st.status === 'open' || st.status === 'published' || st.status === 'corrected' ? 'ok' : 'closed';
}

export async function confirmOpenSignature(ctx: Ctx, token: string): Promise<LinkState> {
  const found = await byToken(ctx.db, token);
  if (!found || found.row.kind !== 'individual') return 'invalid';
  const { row } = found;
  const now = nowFor(ctx);
  if (row.token_used_at) return 'used';
  if (row.token_expires_at && row.token_expires_at.getTime() <= now.getTime()) return 'expired';
  await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
    await trx.updateTable('statement_signatory').set({ status: 'pending', token_used_at: now, updated_at: now }).where('organisation_id', '=', row.organisation_id).where('id', '=', row.id).execute();
    await logEvent(ctx, trx, { organisationId: row.organisation_id, userId: null }, row.statement_id, 'open_sign.confirm', { signatoryId: row.id });
  });
  return 'ok';
}

export async function moderateSignature(ctx: Ctx, actor: Actor, statementId: string, signatoryId: string, approve: boolean): Promise<void> {
  authorize(actor, 'statement.update');
  const who = whoFor(actor);
  const now = nowFor(ctx);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    await loadOwn(trx, who.organisationId, statementId);
    const r = await trx
      .updateTable('statement_signatory')
      .set(approve ? { status: 'signed', signed_at: now, updated_at: now } : { status: 'rejected', updated_at: now })
      .where('organisation_id', '=', who.organisationId)
      .where('statement_id', '=', statementId)
      .where('id', '=', signatoryId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('invalid_state');
    await logEvent(ctx, trx, who, statementId, approve ? 'open_sign.approve' : 'open_sign.reject', { signatoryId });
  });
  invalidatePublic(ctx);
}
