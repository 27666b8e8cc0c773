/**
 * Sign-on by invitation: organisations are invited on the platform or by e-mail with a single-use
 * link. The token (stored only hashed) is the permission, good for one answer; organisations on the
 * platform answer from their own workspace. Also the list's order and signatures added by imports.
 */
import { actorOrganisation, actorUserId, authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { parseInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import { newId, newToken } from '../shared/ids.js';
import { sendMail } from '../shared/mail.js';
import { inTransaction, systemScope, type DB } from '../store/index.js';
import { notifyFocalPoints } from '../coalitions/index.js';
import { nowFor } from './statements.clock.js';
import { invalidatePublic } from './public-cache.js';
import * as S from './statements.schema.js';
import type { SignatoryStatus, StatementStatus } from './statements.tables.js';
import './statements.tables.js';
import { byToken, hashToken, loadOwn, logEvent, whoFor, type MailSettings } from './statements.shared.js';

const INVITE_DAYS = 30;

function signingOpen(st: { status: StatementStatus; sign_deadline: Date | null }, now: Date): 'ok' | 'closed' | 'deadline' {
  if (st.sign_deadline && st.sign_deadline.getTime() <= now.getTime()) return 'deadline';
  if (st.status !== 'open' && st.status !== 'scheduled') return 'closed';
  return 'ok';
}

async function sourceTitle(db: DB, orgId: string, statementId: string, prefer: string): Promise<string> {
  const vs = await db.selectFrom('statement_version').select(['lang', 'title']).where('organisation_id', '=', orgId).where('statement_id', '=', statementId).execute();
  return (vs.find((v) => v.lang === prefer) ?? vs[0])?.title ?? '';
}

/** Invites an organisation: one on the platform (it answers from its own workspace) or by e-mail with a single-use link. */
export async function inviteSignatory(ctx: Ctx, actor: Actor, id: string, body: unknown, mail: MailSettings, lang: Lang = 'es'): Promise<{ id: string }> {
  authorize(actor, 'statement.update');
  const input = parseInput(S.inviteInput, body, lang);
  const who = whoFor(actor);
  const now = nowFor(ctx);
  const sid = newId();
  const token = newToken();
  const { title, deadline } = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, id);
    if (st.status !== 'draft' && st.status !== 'open' && st.status !== 'scheduled') throw new AppError('invalid_state');
    // Nobody can sign a draft: the invitation opens it for signatures, or is not sent.
    if (st.status === 'draft') {
      if (!input.openNow) throw new AppError('validation', { issues: [{ path: ['openNow'], key: 'statements:platform.not_open' }] });
      await trx.updateTable('statement').set({ status: 'open', embargo_until: null, version: st.version + 1, updated_at: now, updated_by: who.userId }).where('organisation_id', '=', who.organisationId).where('id', '=', id).execute();
      await logEvent(ctx, trx, who, id, 'status', { with: 'invite' }, { from: 'draft', to: 'open' });
    }
    if (input.organisationId) {
      const org = await trx.selectFrom('organisation').select(['id', 'name']).where('id', '=', input.organisationId).executeTakeFirst();
      if (!org) throw new AppError('validation', { issues: [{ path: ['organisationId'], key: 'statements:errors.org_unknown' }] });
      const dup = await trx.selectFrom('statement_signatory').select('id').where('organisation_id', '=', who.organisationId).where('statement_id', '=', id).where('invited_org_id', '=', org.id).executeTakeFirst();
      if (dup) throw new AppError('validation', { issues: [{ path: ['organisationId'], key: 'statements:errors.already_invited' }] });
    }
    const expires = new Date(Math.min(now.getTime() + INVITE_DAYS * 86400_000, st.sign_deadline?.getTime() ?? Infinity));
    const orgName = input.organisationId
      ? (await trx.selectFrom('organisation').select('name').where('id', '=', input.organisationId).executeTakeFirstOrThrow()).name
      : null;
    const suggested = input.name ?? orgName;
    await trx
      .insertInto('statement_signatory')
      .values({
        organisation_id: who.organisationId,
        id: sid,
        statement_id: id,
        kind: 'organisation',
        invited_org_id: input.organisationId ?? null,
        email_enc: input.email ? await ctx.keys.encrypt(trx, who.organisationId, `statement_signatory.email_enc:${sid}`, input.email) : null,
        invite_lang: input.lang,
        status: 'invited',
        token_hash: input.email ? hashToken(token) : null,
        token_expires_at: input.email ? expires : null,
        display_names: JSON.stringify(suggested ? { [input.lang]: suggested } : {}),
        created_by: who.userId,
      })
      .execute();
    await logEvent(ctx, trx, who, id, 'invite', { signatoryId: sid, channel: input.email ? 'email' : 'platform' });
    return { title: await sourceTitle(trx, who.organisationId, id, input.lang), deadline: st.sign_deadline };
  });
  if (input.organisationId) await notifyInvitedOrganisation(ctx, mail, input.organisationId, sid, id, title, deadline);
  if (input.email) {
    const link = `${mail.publicUrl.replace(/\/$/, '')}/sign/${token}?lang=${input.lang}`;
    const l = input.lang;
    await sendMail(mail, {
      to: input.email,
      subject: t(l, 'statements:mail.invite_subject', { title }),
      text: t(l, 'statements:mail.invite_text', {
        title,
        link,
        deadline: deadline ? deadline.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : t(l, 'statements:mail.no_deadline'),
        days: INVITE_DAYS,
      }),
    });
  }
  invalidatePublic(ctx);
  return { id: sid };
}

/** A deadline in the invited organisation's time zone, with the zone named. */
export function deadlineText(d: Date | null, lang: Lang, timeZone: string): string {
  if (!d) return t(lang, 'statements:mail.no_deadline');
  let zone = timeZone;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: zone });
  } catch {
    zone = 'UTC';
    fmt = new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: zone });
  }
  return `${fmt.format(d)} ${zone}`;
}

/**
 * An organisation invited on the platform is told: a notification and an e-mail to each of its
 * focal points, with the title, the deadline in its own time zone and the link to the invitation.
 */
async function notifyInvitedOrganisation(ctx: Ctx, mail: MailSettings, orgId: string, signatoryId: string, statementId: string, title: string, deadline: Date | null): Promise<void> {
  const org = await ctx.db.selectFrom('organisation').select(['time_zone', 'name']).where('id', '=', orgId).executeTakeFirst();
  const zone = org?.time_zone ?? 'UTC';
  await notifyFocalPoints(ctx, mail, orgId, {
    kind: 'statement_invitation',
    payload: { signatoryId, statementId },
    path: `/coordinate/invitations/${signatoryId}`,
    subjectKey: 'statements:platform.mail_subject',
    textKey: 'statements:platform.mail_text',
    values: { title, deadline: deadlineText(deadline, 'es', zone), deadline_en: deadlineText(deadline, 'en', zone) },
  });
}

export type LinkState = 'ok' | 'invalid' | 'expired' | 'used' | 'declined' | 'withdrawn' | 'closed' | 'deadline' | 'published';

export interface LinkView {
  state: LinkState;
  signatoryId?: string;
  organisationId?: string;
  statementId?: string;
  title?: string;
  lead?: string;
  versionSlugs?: { lang: string; slug: string; title: string }[];
  languages?: string[];
  names?: Record<string, string>;
  inviteLang?: string;
}

async function linkContext(db: DB, row: { organisation_id: string; statement_id: string; invite_lang: string }) {
  const vs = await inTransaction(db, systemScope([row.organisation_id]), (trx) => trx.selectFrom('statement_version').select(['lang', 'slug', 'title', 'lead']).where('organisation_id', '=', row.organisation_id).where('statement_id', '=', row.statement_id).orderBy('lang').execute());
  const main = vs.find((v) => v.lang === row.invite_lang) ?? vs[0];
  return { title: main?.title ?? '', lead: main?.lead ?? '', versionSlugs: vs.map((v) => ({ lang: v.lang, slug: v.slug, title: v.title })), languages: vs.map((v) => v.lang) };
}

function tokenState(
  row: { status: SignatoryStatus; token_used_at: Date | null; token_expires_at: Date | null },
  st: { status: StatementStatus; sign_deadline: Date | null },
  now: Date,
): LinkState {
  if (row.status === 'withdrawn') return 'withdrawn';
  if (row.status === 'declined') return 'declined';
  if (row.token_used_at || row.status === 'signed') return 'used';
  if (row.token_expires_at && row.token_expires_at.getTime() <= now.getTime()) return 'expired';
  return signingOpen(st, now);
}

/** The full text of one version for the holder of a live invitation link (the statement may not be public yet). */
export async function invitationText(ctx: Ctx, token: string, langTag: string): Promise<{ lang: string; title: string; lead: string; body: string } | null> {
  const found = await byToken(ctx.db, token);
  if (!found || found.row.kind !== 'organisation') return null;
  const state = tokenState(found.row, found.st, nowFor(ctx));
  if (state !== 'ok') return null;
  const v = await inTransaction(ctx.db, systemScope([found.row.organisation_id]), (trx) =>
    trx.selectFrom('statement_version').select(['lang', 'title', 'lead', 'body']).where('organisation_id', '=', found.row.organisation_id).where('statement_id', '=', found.row.statement_id).where('lang', '=', langTag).executeTakeFirst(),
  );
  return v ?? null;
}

/** What a sign-on link leads to; the first visit marks the invitation as opened. */
export async function openInvitation(ctx: Ctx, token: string): Promise<LinkView> {
  const found = await byToken(ctx.db, token);
  if (!found || found.row.kind !== 'organisation') return { state: 'invalid' };
  const { row, st } = found;
  const now = nowFor(ctx);
  const state = tokenState(row, st, now);
  if (state === 'ok' && row.status === 'invited') {
    await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
      await trx.updateTable('statement_signatory').set({ status: 'opened', opened_at: now, updated_at: now }).where('organisation_id', '=', row.organisation_id).where('id', '=', row.id).where('status', '=', 'invited').execute();
      await logEvent(ctx, trx, { organisationId: row.organisation_id, userId: null }, row.statement_id, 'invite.opened', { signatoryId: row.id });
    });
  }
  return { state, signatoryId: row.id, organisationId: row.organisation_id, statementId: row.statement_id, names: row.display_names, inviteLang: row.invite_lang, ...(await linkContext(ctx.db, row)) };
}

async function confirmationMail(ctx: Ctx, mail: MailSettings, row: { organisation_id: string; id: string; statement_id: string; email_enc: Buffer | null; invite_lang: string }, withdrawToken: string) {
  if (!row.email_enc) return;
  const to = await ctx.keys.decrypt(ctx.db, row.organisation_id, `statement_signatory.email_enc:${row.id}`, row.email_enc);
  const l: Lang = row.invite_lang === 'en' ? 'en' : 'es';
  const title = await inTransaction(ctx.db, systemScope([row.organisation_id]), (trx) => sourceTitle(trx, row.organisation_id, row.statement_id, l));
  const link = `${mail.publicUrl.replace(/\/$/, '')}/sign/withdraw/${withdrawToken}?lang=${l}`;
  await sendMail(mail, { to, subject: t(l, 'statements:mail.signed_subject', { title }), text: t(l, 'statements:mail.signed_text', { title, link }) });
}

function cleanNames(names: Record<string, string>, languages: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(names)) if (v && (languages.includes(k) || k === 'default')) out[k] = v;
  return out;
}

/** Signs for an organisation through its link. Returns the state when nothing could be changed. */
export async function signWithToken(ctx: Ctx, token: string, body: unknown, mail: MailSettings, lang: Lang = 'es', requestMeta: { requestId?: string; clientHash?: string } = {}): Promise<LinkState> {
  const found = await byToken(ctx.db, token);
  if (!found || found.row.kind !== 'organisation') return 'invalid';
  const now = nowFor(ctx);
  const state = tokenState(found.row, found.st, now);
  if (state !== 'ok') return state;
  const input = parseInput(S.signInput, body, lang);
  const { languages } = await linkContext(ctx.db, found.row);
  const withdrawToken = newToken();
  const { row } = found;
  const updated = await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
    const r = await trx
      .updateTable('statement_signatory')
      .set({
        status: 'signed',
        signed_at: now,
        token_used_at: now,
        authority_confirmed: true,
        display_names: JSON.stringify(cleanNames(input.names, languages)),
        signer_name_enc: await ctx.keys.encrypt(trx, row.organisation_id, `statement_signatory.signer_name_enc:${row.id}`, input.signerName),
        withdraw_token_hash: hashToken(withdrawToken),
        updated_at: now,
      })
      .where('organisation_id', '=', row.organisation_id)
      .where('id', '=', row.id)
      .where('token_used_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await logEvent(ctx, trx, { organisationId: row.organisation_id, userId: null, ...requestMeta }, row.statement_id, 'sign', { signatoryId: row.id, channel: 'link' });
    return true;
  });
  if (!updated) return 'used';
  await confirmationMail(ctx, mail, row, withdrawToken);
  invalidatePublic(ctx);
  return 'ok';
}

export async function declineWithToken(ctx: Ctx, token: string): Promise<LinkState> {
  const found = await byToken(ctx.db, token);
  if (!found || found.row.kind !== 'organisation') return 'invalid';
  const now = nowFor(ctx);
  const state = tokenState(found.row, found.st, now);
  if (state !== 'ok') return state;
  const { row } = found;
  await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
    await trx.updateTable('statement_signatory').set({ status: 'declined', declined_at: now, token_used_at: now, updated_at: now }).where('organisation_id', '=', row.organisation_id).where('id', '=', row.id).execute();
    await logEvent(ctx, trx, { organisationId: row.organisation_id, userId: null }, row.statement_id, 'decline', { signatoryId: row.id });
  });
  invalidatePublic(ctx);
  return 'ok';
}

function byWithdrawToken(db: DB, token: string) {
  return byToken(db, token, 'withdraw');
}

function withdrawState(row: { status: SignatoryStatus }, st: { status: StatementStatus }): LinkState {
  if (row.status === 'withdrawn') return 'withdrawn';
  if (st.status === 'published' || st.status === 'corrected' || st.status === 'withdrawn') return 'published';
  return row.status === 'signed' ? 'ok' : 'invalid';
}

export async function viewWithdrawLink(ctx: Ctx, token: string): Promise<LinkView> {
  const found = await byWithdrawToken(ctx.db, token);
  if (!found) return { state: 'invalid' };
  return { state: withdrawState(found.row, found.st), signatoryId: found.row.id, names: found.row.display_names, ...(await linkContext(ctx.db, found.row)) };
}

/** A signatory takes its name off a statement that is not yet published. */
export async function withdrawSignature(ctx: Ctx, token: string): Promise<LinkState> {
  const found = await byWithdrawToken(ctx.db, token);
  if (!found) return 'invalid';
  const state = withdrawState(found.row, found.st);
  if (state !== 'ok') return state;
  const { row } = found;
  const now = nowFor(ctx);
  await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
    await trx.updateTable('statement_signatory').set({ status: 'withdrawn', withdrawn_at: now, updated_at: now }).where('organisation_id', '=', row.organisation_id).where('id', '=', row.id).execute();
    await logEvent(ctx, trx, { organisationId: row.organisation_id, userId: null }, row.statement_id, 'signature.withdraw', { signatoryId: row.id });
  });
  invalidatePublic(ctx);
  return 'ok';
}

/** An organisation on the platform answers an invitation from its own workspace. */
export async function answerAsMember(ctx: Ctx, actor: Actor, signatoryId: string, answer: 'sign' | 'decline' | 'withdraw', body: unknown, lang: Lang = 'es'): Promise<LinkState> {
  authorize(actor, 'statement.sign');
  const orgId = actorOrganisation(actor);
  // In the invited organisation's scope, row-level security shows the invitation and its statement.
  const found = await inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    const row = await trx.selectFrom('statement_signatory').selectAll().where('id', '=', signatoryId).where('invited_org_id', '=', orgId).executeTakeFirst();
    if (!row) throw new AppError('not_found');
    const st = await trx.selectFrom('statement').selectAll().where('organisation_id', '=', row.organisation_id).where('id', '=', row.statement_id).executeTakeFirstOrThrow();
    return { row, st };
  });
  const { row, st } = found;
  const now = nowFor(ctx);
  const who = { organisationId: row.organisation_id, userId: actorUserId(actor), requestId: actor.requestId };
  if (answer === 'withdraw') {
    const state = withdrawState(row, st);
    if (state !== 'ok') return state;
    await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
      await trx.updateTable('statement_signatory').set({ status: 'withdrawn', withdrawn_at: now, updated_at: now }).where('organisation_id', '=', row.organisation_id).where('id', '=', row.id).execute();
      await logEvent(ctx, trx, who, row.statement_id, 'signature.withdraw', { signatoryId: row.id, channel: 'platform' });
    });
  } else {
    const state = row.status === 'signed' ? 'used' : row.status === 'declined' ? 'declined' : row.status === 'withdrawn' ? 'withdrawn' : signingOpen(st, now);
    if (state !== 'ok') return state;
    if (answer === 'sign') {
      // The signer is the person signed in: their name comes from their account, not the form.
      const account = actor.kind === 'user' ? await ctx.db.selectFrom('app_user').select('display_name').where('id', '=', actor.userId).executeTakeFirst() : undefined;
      const given = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      const input = parseInput(S.signInput, { ...given, signerName: account?.display_name ?? given.signerName }, lang);
      const { languages } = await linkContext(ctx.db, row);
      await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
        await trx
          .updateTable('statement_signatory')
          .set({
            status: 'signed',
            signed_at: now,
            authority_confirmed: true,
            display_names: JSON.stringify(cleanNames(input.names, languages)),
            signer_name_enc: await ctx.keys.encrypt(trx, row.organisation_id, `statement_signatory.signer_name_enc:${row.id}`, input.signerName),
            updated_at: now,
          })
          .where('organisation_id', '=', row.organisation_id)
          .where('id', '=', row.id)
          .execute();
        await logEvent(ctx, trx, who, row.statement_id, 'sign', { signatoryId: row.id, channel: 'platform' });
      });
    } else {
      await inTransaction(ctx.db, systemScope([row.organisation_id]), async (trx) => {
        await trx.updateTable('statement_signatory').set({ status: 'declined', declined_at: now, updated_at: now }).where('organisation_id', '=', row.organisation_id).where('id', '=', row.id).execute();
        await logEvent(ctx, trx, who, row.statement_id, 'decline', { signatoryId: row.id, channel: 'platform' });
      });
    }
  }
  invalidatePublic(ctx);
  return 'ok';
}


/** Sets the list order: alphabetical, or the coordinator's own order (the ids in `order`). */
export async function setSignatoryOrder(ctx: Ctx, actor: Actor, statementId: string, mode: 'alpha' | 'manual', order: string[] = []): Promise<void> {
  authorize(actor, 'statement.update');
  const who = whoFor(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, statementId);
    await trx.updateTable('statement').set({ signatory_order: mode, version: st.version + 1, updated_at: nowFor(ctx), updated_by: who.userId }).where('organisation_id', '=', who.organisationId).where('id', '=', statementId).execute();
    for (const [i, sid] of order.entries()) {
      await trx.updateTable('statement_signatory').set({ sort_key: i + 1 }).where('organisation_id', '=', who.organisationId).where('statement_id', '=', statementId).where('id', '=', sid).execute();
    }
    await logEvent(ctx, trx, who, statementId, 'order', { mode });
  });
  invalidatePublic(ctx);
}

/** Adds an already-signed organisation (imports and the demo): no link, no e-mail. */
export async function addSignedOrganisation(trx: DB, orgId: string, statementId: string, names: Record<string, string>, at: Date, sortKey: number | null = null): Promise<string> {
  const id = newId();
  await trx
    .insertInto('statement_signatory')
    .values({ organisation_id: orgId, id, statement_id: statementId, kind: 'organisation', status: 'signed', signed_at: at, authority_confirmed: true, display_names: JSON.stringify(names), sort_key: sortKey })
    .execute();
  return id;
}
