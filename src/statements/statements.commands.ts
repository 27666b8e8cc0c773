/**
 * Writes to joint statements. Each command authorises, validates (translated field errors), writes
 * in one transaction together with its statement_event row and its audit entry, and clears the
 * public cache. Commands reached through a sign-on link take the link's token instead of an actor:
 * the token (stored only hashed) is the permission, and it is good for one answer only.
 */
import { createHash } from 'node:crypto';
import { actorOrganisation, actorUserId, authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { parseInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import { newId, newToken } from '../shared/ids.js';
import { sendMail, type MailConfig } from '../shared/mail.js';
import { appendAudit, inTransaction, publicScope, systemScope, type DB } from '../store/index.js';
import { nextEmbargo, signatoryKeyByToken, statementSlugTaken, statementStatusBySlug, statementsDue } from './statements.queries.js';
import { nowFor } from './statements.clock.js';
import { invalidatePublic } from './public-cache.js';
import * as S from './statements.schema.js';
import type { SignatoryStatus, StatementStatus, StatementTable } from './statements.tables.js';
import './statements.tables.js';

export interface MailSettings extends MailConfig {
  readonly publicUrl: string;
}

interface Who {
  organisationId: string;
  userId: string | null;
  requestId?: string | undefined;
  clientHash?: string | undefined;
}

function whoFor(actor: Actor): Who {
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

async function logEvent(
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

async function loadOwn(trx: DB, orgId: string, id: string) {
  const row = await trx.selectFrom('statement').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
  if (!row) throw new AppError('not_found');
  return row;
}

async function assertSlugFree(trx: DB, slug: string, exceptStatement?: string): Promise<void> {
  if (await statementSlugTaken(trx, slug, exceptStatement ?? null)) throw new AppError('validation', { issues: [{ path: ['slug'], key: 'statements:errors.slug_taken', values: { slug } }] });
}

async function uniqueSlug(trx: DB, base: string): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await statementSlugTaken(trx, candidate, null, true))) return candidate;
  }
  return `${base}-${newToken(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
}

async function linkIncidents(trx: DB, orgId: string, statementId: string, ids: string[]): Promise<void> {
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

function statementColumns(input: Partial<S.StatementCreate>): Partial<Record<keyof StatementTable, unknown>> {
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

export async function createStatement(ctx: Ctx, actor: Actor, body: unknown, lang: Lang = 'es'): Promise<{ id: string; slug: string }> {
  authorize(actor, 'statement.create');
  const input = parseInput(S.statementCreate, body, lang);
  const who = whoFor(actor);
  const id = newId();
  const out = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const year = (input.statementDate ?? nowFor(ctx).toISOString()).slice(0, 4);
    let slug: string;
    if (input.slug) {
      await assertSlugFree(trx, input.slug);
      slug = input.slug;
    } else slug = await uniqueSlug(trx, `${slugify(input.title, 50)}-${year}`);
    const vslug = versionSlug(slug, input.sourceLang);
    await assertSlugFree(trx, vslug);
    await trx
      .insertInto('statement')
      .values({
        organisation_id: who.organisationId,
        id,
        slug,
        source_lang: input.sourceLang,
        created_by: who.userId,
        updated_by: who.userId,
        ...(statementColumns(input) as object),
      } as never)
      .execute();
    await trx
      .insertInto('statement_version')
      .values({
        organisation_id: who.organisationId,
        statement_id: id,
        lang: input.sourceLang,
        slug: vslug,
        title: input.title,
        lead: input.lead,
        body: input.body,
        translator: input.translator ?? null,
        hero_alt: input.heroAlt ?? null,
        source_revision: null,
        created_by: who.userId,
        updated_by: who.userId,
      })
      .execute();
    if (input.incidentIds?.length) await linkIncidents(trx, who.organisationId, id, input.incidentIds);
    await logEvent(ctx, trx, who, id, 'create', { lang: input.sourceLang });
    return { id, slug };
  });
  invalidatePublic(ctx);
  return out;
}

export async function updateStatement(ctx: Ctx, actor: Actor, id: string, body: unknown, lang: Lang = 'es'): Promise<void> {
  authorize(actor, 'statement.update');
  const { version, incidentIds, ...input } = parseInput(S.statementUpdate, body, lang);
  const who = whoFor(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const row = await loadOwn(trx, who.organisationId, id);
    if (row.version !== version) throw new AppError('conflict', { details: { currentVersion: row.version } });
    if (row.status === 'withdrawn') throw new AppError('invalid_state');
    const cols = statementColumns(input);
    await trx
      .updateTable('statement')
      .set({ ...(cols as object), version: row.version + 1, updated_at: nowFor(ctx), updated_by: who.userId } as never)
      .where('organisation_id', '=', who.organisationId)
      .where('id', '=', id)
      .execute();
    if (incidentIds !== undefined) await linkIncidents(trx, who.organisationId, id, incidentIds);
    await logEvent(ctx, trx, who, id, 'update', { fields: [...Object.keys(cols), ...(incidentIds !== undefined ? ['incidents'] : [])] });
  });
  invalidatePublic(ctx);
}

/**
 * Saves the text of one language version (creating it when new). Saving the source language
 * raises its revision; saving a translation records the source revision it now matches, which is
 * what clears the "older than its source" flag.
 */
export async function saveVersion(ctx: Ctx, actor: Actor, id: string, langTag: string, body: unknown, lang: Lang = 'es'): Promise<{ slug: string; revision: number }> {
  authorize(actor, 'statement.update');
  const tag = parseInput(S.langTag, langTag, lang);
  const input = parseInput(S.versionSave, body, lang);
  const who = whoFor(actor);
  const out = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, id);
    if (st.status === 'withdrawn') throw new AppError('invalid_state');
    const versions = await trx.selectFrom('statement_version').selectAll().where('organisation_id', '=', who.organisationId).where('statement_id', '=', id).execute();
    const source = versions.find((v) => v.lang === st.source_lang);
    const existing = versions.find((v) => v.lang === tag);
    const isSource = tag === st.source_lang;
    const now = nowFor(ctx);
    let revision: number;
    let slug: string;
    if (existing) {
      const changed = existing.title !== input.title || existing.lead !== input.lead || existing.body !== input.body;
      revision = existing.revision + (changed ? 1 : 0);
      slug = existing.slug;
      await trx
        .updateTable('statement_version')
        .set({
          title: input.title,
          lead: input.lead,
          body: input.body,
          translator: input.translator ?? null,
          hero_alt: input.heroAlt ?? null,
          revision,
          source_revision: isSource ? null : (source?.revision ?? null),
          updated_at: now,
          updated_by: who.userId,
        })
        .where('organisation_id', '=', who.organisationId)
        .where('statement_id', '=', id)
        .where('lang', '=', tag)
        .execute();
    } else {
      revision = 1;
      slug = versionSlug(st.slug, tag);
      await assertSlugFree(trx, slug, id);
      await trx
        .insertInto('statement_version')
        .values({
          organisation_id: who.organisationId,
          statement_id: id,
          lang: tag,
          slug,
          title: input.title,
          lead: input.lead,
          body: input.body,
          translator: input.translator ?? null,
          hero_alt: input.heroAlt ?? null,
          source_revision: isSource ? null : (source?.revision ?? null),
          created_by: who.userId,
          updated_by: who.userId,
        })
        .execute();
    }
    await trx.updateTable('statement').set({ updated_at: now, updated_by: who.userId }).where('organisation_id', '=', who.organisationId).where('id', '=', id).execute();
    await logEvent(ctx, trx, who, id, existing ? 'version.update' : 'version.create', { lang: tag, revision });
    return { slug, revision };
  });
  invalidatePublic(ctx);
  return out;
}

const transitions: Record<StatementStatus, readonly StatementStatus[]> = {
  draft: ['open', 'scheduled', 'published'],
  open: ['draft', 'scheduled', 'published'],
  scheduled: ['open', 'published'],
  published: [],
  corrected: [],
  withdrawn: [],
};

export function allowedTransitions(status: StatementStatus): readonly StatementStatus[] {
  return transitions[status];
}

/** Moves a statement along draft → open for signatures → scheduled (embargo) → published. */
export async function changeStatus(ctx: Ctx, actor: Actor, id: string, body: unknown, lang: Lang = 'es'): Promise<void> {
  const input = parseInput(S.statusChange, body, lang);
  authorize(actor, input.to === 'published' || input.to === 'scheduled' ? 'statement.publish' : 'statement.update');
  const who = whoFor(actor);
  const now = nowFor(ctx);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, id);
    if (!transitions[st.status].includes(input.to)) {
      throw new AppError('invalid_state', { issues: [{ path: ['to'], key: 'statements:errors.transition', values: { from: t(lang, `statements:status.${st.status}`), to: t(lang, `statements:status.${input.to}`) } }] });
    }
    const cols: Record<string, unknown> = { status: input.to, version: st.version + 1, updated_at: now, updated_by: who.userId };
    if (input.to === 'scheduled') {
      if (!input.embargoUntil || input.embargoUntil.getTime() <= now.getTime()) {
        throw new AppError('validation', { issues: [{ path: ['embargoUntil'], key: 'statements:errors.embargo_future' }] });
      }
      cols.embargo_until = input.embargoUntil;
    }
    if (input.to === 'published') {
      cols.published_at = now;
      cols.embargo_until = null;
    }
    if (input.to === 'open' || input.to === 'draft') cols.embargo_until = null;
    await trx.updateTable('statement').set(cols as never).where('organisation_id', '=', who.organisationId).where('id', '=', id).execute();
    await logEvent(ctx, trx, who, id, 'status', input.to === 'scheduled' ? { embargoUntil: input.embargoUntil!.toISOString() } : {}, { from: st.status, to: input.to });
  });
  nextDueCache.delete(ctx);
  invalidatePublic(ctx);
}

const nextDueCache = new WeakMap<object, { at: number | null; checkedAt: number }>();

/**
 * Publishes every scheduled statement whose embargo time has come; called on public requests (when
 * the known next embargo time has passed) and by the server's timer. Publication is dated at the
 * embargo time itself, not at the moment the check happened to run.
 */
export async function publishDue(ctx: Ctx): Promise<number> {
  const now = nowFor(ctx);
  const due = await statementsDue(ctx.db, now);
  for (const d of due) {
    await inTransaction(ctx.db, systemScope([d.organisation_id]), async (trx) => {
      const r = await trx
        .updateTable('statement')
        .set({ status: 'published', published_at: d.embargo_until, version: d.version + 1, updated_at: now })
        .where('organisation_id', '=', d.organisation_id)
        .where('id', '=', d.id)
        .where('status', '=', 'scheduled')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) {
        await logEvent(ctx, trx, { organisationId: d.organisation_id, userId: null }, d.id, 'status', { embargoUntil: d.embargo_until?.toISOString() }, { from: 'scheduled', to: 'published' }, now);
      }
    });
  }
  nextDueCache.delete(ctx);
  if (due.length) invalidatePublic(ctx);
  return due.length;
}

/**
 * Publishes due statements every `ms` while the server runs, so an embargo ends on time even when
 * nobody asks for the page. Returns the function that stops it.
 */
export function startPublicationTimer(ctx: Ctx, ms: number, onError: (e: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    publishDue(ctx)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Cheap check for request paths: runs publishDue only when a known embargo time has passed. */
export async function publishDueIfNeeded(ctx: Ctx): Promise<void> {
  const now = nowFor(ctx).getTime();
  let known = nextDueCache.get(ctx);
  if (!known || now - known.checkedAt > 60_000) {
    const next = await nextEmbargo(ctx.db);
    known = { at: next ? new Date(next).getTime() : null, checkedAt: now };
    nextDueCache.set(ctx, known);
  }
  if (known.at !== null && known.at <= now) await publishDue(ctx);
}

/** Forgets the known next embargo time (after any status change). */
export function forgetNextDue(ctx: Ctx): void {
  nextDueCache.delete(ctx);
}

export async function addCorrection(ctx: Ctx, actor: Actor, id: string, body: unknown, lang: Lang = 'es'): Promise<void> {
  authorize(actor, 'statement.publish');
  const input = parseInput(S.correctionInput, body, lang);
  const who = whoFor(actor);
  const now = nowFor(ctx);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, id);
    if (st.status !== 'published' && st.status !== 'corrected') throw new AppError('invalid_state');
    const notes = Object.fromEntries(Object.entries(input.notes).filter(([, v]) => v.length > 0));
    await trx.insertInto('statement_correction').values({ organisation_id: who.organisationId, id: newId(), statement_id: id, corrected_at: now, notes: JSON.stringify(notes), created_by: who.userId }).execute();
    await trx.updateTable('statement').set({ status: 'corrected', version: st.version + 1, updated_at: now, updated_by: who.userId }).where('organisation_id', '=', who.organisationId).where('id', '=', id).execute();
    await logEvent(ctx, trx, who, id, 'correct', { languages: Object.keys(notes) }, { from: st.status, to: 'corrected' });
  });
  invalidatePublic(ctx);
}

export async function withdrawStatement(ctx: Ctx, actor: Actor, id: string, body: unknown, lang: Lang = 'es'): Promise<void> {
  authorize(actor, 'statement.publish');
  const input = parseInput(S.withdrawInput, body, lang);
  const who = whoFor(actor);
  const now = nowFor(ctx);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, id);
    if (st.status !== 'published' && st.status !== 'corrected') throw new AppError('invalid_state');
    await trx
      .updateTable('statement')
      .set({ status: 'withdrawn', withdrawn_at: now, withdrawal_note: input.note, version: st.version + 1, updated_at: now, updated_by: who.userId })
      .where('organisation_id', '=', who.organisationId)
      .where('id', '=', id)
      .execute();
    await logEvent(ctx, trx, who, id, 'withdraw', {}, { from: st.status, to: 'withdrawn' });
  });
  invalidatePublic(ctx);
}

// ------------------------------------------------------------------------------------ sign-on

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

async function byToken(db: DB, token: string, which: 'sign' | 'withdraw' = 'sign') {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  // The token is the permission: it names the row, then the row is read in its organisation's scope.
  const key = await signatoryKeyByToken(db, hashToken(token), which);
  if (!key) return null;
  return inTransaction(db, systemScope([key.organisation_id]), async (trx) => {
    const row = await trx.selectFrom('statement_signatory').selectAll().where('organisation_id', '=', key.organisation_id).where('id', '=', key.id).executeTakeFirstOrThrow();
    const st = await trx.selectFrom('statement').selectAll().where('organisation_id', '=', row.organisation_id).where('id', '=', row.statement_id).executeTakeFirstOrThrow();
    return { row, st };
  });
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
      const input = parseInput(S.signInput, body, lang);
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

// ------------------------------------------------------------------------------- open sign-on

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

/** Records a hero image already processed by `processHeroImage`. */
export async function setHero(ctx: Ctx, actor: Actor, statementId: string, hero: { key: string; width: number; height: number }, credit: string | null): Promise<void> {
  authorize(actor, 'statement.update');
  const who = whoFor(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, statementId);
    await trx
      .updateTable('statement')
      .set({ hero_key: hero.key, hero_width: hero.width, hero_height: hero.height, hero_credit: credit, version: st.version + 1, updated_at: nowFor(ctx), updated_by: who.userId })
      .where('organisation_id', '=', who.organisationId)
      .where('id', '=', statementId)
      .execute();
    await logEvent(ctx, trx, who, statementId, 'hero', { width: hero.width, height: hero.height });
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

export { logEvent as logStatementEvent, loadOwn as loadOwnStatement };
