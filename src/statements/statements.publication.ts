/**
 * Publishing a statement: the status transitions (draft → open for signatures → scheduled →
 * published), embargoes that publish themselves on time, corrections and withdrawal.
 */
import { authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { parseInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import { inTransaction, systemScope } from '../store/index.js';
import { nextEmbargo, statementsDue } from './statements.queries.js';
import { nowFor } from './statements.clock.js';
import { invalidatePublic } from './public-cache.js';
import * as S from './statements.schema.js';
import type { StatementStatus } from './statements.tables.js';
import './statements.tables.js';
import { loadOwn, logEvent, whoFor } from './statements.shared.js';

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

/**
 * True when the server knows, without asking the database, that no embargo has ended since it last
 * looked (the same rule as `publishDueIfNeeded`): then a cached public answer is still current.
 */
export function publicationSettled(ctx: Ctx): boolean {
  const known = nextDueCache.get(ctx);
  if (!known) return false;
  const now = nowFor(ctx).getTime();
  return now - known.checkedAt <= 60_000 && (known.at === null || known.at > now);
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
