/**
 * Alerts: a user follows a country and/or act type; `checkAlerts` notifies them (in-app, then one
 * e-mail digest) when a new incident of that kind becomes visible to them or when escalation is
 * detected in its monthly series. Notifications carry codes and ids only: never a victim's name.
 *
 * Wiring: call `checkAlerts(ctx, orgId, mail)` after a record is created, and `startAlertTimer`
 * from the server for everything else (shared incidents, escalation building up over time).
 */
import { sql } from 'kysely';
import { authorize, type Actor, type Ctx, type UserActor } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { t, isLang, type Lang } from '../shared/i18n/index.js';
import { sendMail, type MailConfig } from '../shared/mail.js';
import { inTransaction, systemScope, type DB, type Scope } from '../store/index.js';
import { hasCode } from '../vocab/index.js';
import { isCountry } from '../vocab/places.js';
import { scopeCondition } from './counts.queries.js';
import { expandFilter } from './counts.schema.js';
import { escalationInScope, escalationSentence, storeEscalation } from './escalation.analysis.js';

export interface Follow {
  id: string;
  country: string | null;
  actType: string | null;
  createdAt: Date;
}

export interface NotificationItem {
  id: string;
  kind: 'new_incident' | 'escalation' | 'new_report' | 'statement_invitation' | 'coalition_invitation';
  payload: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
  /** For an invitation: what it is to (statement or coalition) and which organisation sent it, when still visible. */
  subject?: { title: string; by: string };
}

/** A user's own rows of the analysis tables, under row-level security on a server. */
function asUser<T>(db: DB, u: UserActor, fn: (trx: DB) => Promise<T>): Promise<T> {
  return inTransaction(db, { organisationIds: [u.organisationId], coalitionIds: [], userId: u.userId }, fn);
}

function userOf(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('unauthenticated');
  return actor;
}

function checkFollow(country: string | null, actType: string | null): void {
  const issues = [];
  if (country !== null && !isCountry(country)) issues.push({ path: ['country'], key: 'analysis:errors.unknown_value', values: { facet: 'country', value: country } });
  if (actType !== null && !hasCode('act_type', actType)) issues.push({ path: ['act_type'], key: 'analysis:errors.unknown_value', values: { facet: 'act_type', value: actType } });
  if (issues.length) throw new AppError('bad_input', { issues });
}

export async function followTopic(ctx: Ctx, actor: Actor, country: string | null, actType: string | null): Promise<string> {
  const u = userOf(actor);
  authorize(actor, 'analysis.read');
  checkFollow(country, actType);
  return asUser(ctx.db, u, async (trx) => {
    const existing = await findFollow(trx, u, country, actType);
    if (existing) return existing;
    const id = newId();
    await trx.insertInto('alert_follow').values({ organisation_id: u.organisationId, id, user_id: u.userId, country, act_type: actType }).execute();
    return id;
  });
}

async function findFollow(db: DB, u: UserActor, country: string | null, actType: string | null): Promise<string | null> {
  const r = await sql<{ id: string }>`SELECT id FROM alert_follow WHERE organisation_id = ${u.organisationId} AND user_id = ${u.userId}
    AND country IS NOT DISTINCT FROM ${country} AND act_type IS NOT DISTINCT FROM ${actType}`.execute(db);
  return r.rows[0]?.id ?? null;
}

export async function isFollowing(ctx: Ctx, actor: Actor, country: string | null, actType: string | null): Promise<boolean> {
  if (actor.kind !== 'user') return false;
  return asUser(ctx.db, actor, async (trx) => (await findFollow(trx, actor, country, actType)) !== null);
}

export async function unfollowTopic(ctx: Ctx, actor: Actor, country: string | null, actType: string | null): Promise<void> {
  const u = userOf(actor);
  await asUser(ctx.db, u, async (trx) => {
    const id = await findFollow(trx, u, country, actType);
    if (!id) return;
    await trx.updateTable('notification').set({ follow_id: null }).where('organisation_id', '=', u.organisationId).where('follow_id', '=', id).execute();
    await trx.deleteFrom('alert_follow').where('organisation_id', '=', u.organisationId).where('id', '=', id).execute();
  });
}

export async function listFollows(ctx: Ctx, actor: Actor): Promise<Follow[]> {
  const u = userOf(actor);
  const rows = await asUser(ctx.db, u, (trx) => trx
    .selectFrom('alert_follow')
    .select(['id', 'country', 'act_type', 'created_at'])
    .where('organisation_id', '=', u.organisationId)
    .where('user_id', '=', u.userId)
    .orderBy('created_at')
    .execute());
  return rows.map((r) => ({ id: r.id, country: r.country, actType: r.act_type, createdAt: r.created_at }));
}

/** The user's notifications: alerts and intake notices, and invitations to sign or to join a coalition (migration 070). */
export async function listNotifications(ctx: Ctx, actor: Actor, limit = 100, lang: Lang = 'es'): Promise<NotificationItem[]> {
  const u = userOf(actor);
  return asUser(ctx.db, u, async (trx) => {
    const rows = (await sql<{ id: string; kind: NotificationItem['kind']; payload: unknown; created_at: Date; read_at: Date | null }>`
    SELECT id, kind, payload, created_at, read_at FROM notification WHERE organisation_id = ${u.organisationId} AND user_id = ${u.userId}
    UNION ALL
    SELECT id, kind, payload, created_at, read_at FROM invitation_notice WHERE organisation_id = ${u.organisationId} AND user_id = ${u.userId}
    ORDER BY created_at DESC LIMIT ${limit}`.execute(trx)).rows;
    const items: NotificationItem[] = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
      createdAt: r.created_at,
      readAt: r.read_at,
    }));
    await nameInvitations(trx, u.organisationId, items, lang);
    return items;
  });
}

/**
 * A notice stores ids only (names change, and a notice outlives an invitation); the page says what
 * the invitation is to and who sent it, read now in the invited organisation's own scope: row-level
 * security shows it the statements it is asked to sign and the coalitions it holds an open
 * invitation to (or joined). What it may no longer see stays unnamed.
 */
async function nameInvitations(trx: DB, orgId: string, items: NotificationItem[], lang: Lang): Promise<void> {
  const ids = (kind: NotificationItem['kind'], key: string) =>
    items.filter((n) => n.kind === kind && typeof n.payload[key] === 'string' && /^[0-9a-f-]{36}$/i.test(n.payload[key] as string)).map((n) => n.payload[key] as string);
  const signatoryIds = ids('statement_invitation', 'signatoryId');
  const invitationIds = ids('coalition_invitation', 'invitationId');
  const named = new Map<string, { title: string; by: string }>();
  if (signatoryIds.length) {
    const r = await sql<{ id: string; title: string; by: string }>`
      SELECT DISTINCT ON (g.id) g.id, v.title, o.name AS by
      FROM statement_signatory g
      JOIN statement_version v ON v.organisation_id = g.organisation_id AND v.statement_id = g.statement_id
      JOIN organisation o ON o.id = g.organisation_id
      WHERE g.invited_org_id = ${orgId} AND g.id = ANY (${signatoryIds}::uuid[])
      ORDER BY g.id, (v.lang = ${lang}) DESC, v.lang`.execute(trx);
    for (const x of r.rows) named.set(`statement_invitation:${x.id}`, { title: x.title, by: x.by });
  }
  if (invitationIds.length) {
    const r = await sql<{ id: string; title: string; by: string }>`
      SELECT i.id, c.name AS title, o.name AS by
      FROM coalition_invitation i JOIN coalition c ON c.id = i.coalition_id JOIN organisation o ON o.id = i.invited_by_org
      WHERE i.organisation_id = ${orgId} AND i.id = ANY (${invitationIds}::uuid[])`.execute(trx);
    for (const x of r.rows) named.set(`coalition_invitation:${x.id}`, { title: x.title, by: x.by });
  }
  for (const n of items) {
    const key = n.kind === 'statement_invitation' ? n.payload.signatoryId : n.kind === 'coalition_invitation' ? n.payload.invitationId : null;
    const subject = typeof key === 'string' ? named.get(`${n.kind}:${key}`) : undefined;
    if (subject) n.subject = subject;
  }
}

export async function markNotificationsRead(ctx: Ctx, actor: Actor): Promise<void> {
  const u = userOf(actor);
  await asUser(ctx.db, u, async (trx) => {
    await trx.updateTable('notification').set({ read_at: new Date() }).where('organisation_id', '=', u.organisationId).where('user_id', '=', u.userId).where('read_at', 'is', null).execute();
    await sql`UPDATE invitation_notice SET read_at = now() WHERE organisation_id = ${u.organisationId} AND user_id = ${u.userId} AND read_at IS NULL`.execute(trx);
  });
}

export async function unreadCount(ctx: Ctx, actor: Actor): Promise<number> {
  if (actor.kind !== 'user') return 0;
  const r = await asUser(ctx.db, actor, (trx) => sql<{ n: string }>`SELECT
      (SELECT count(*) FROM notification WHERE organisation_id = ${actor.organisationId} AND user_id = ${actor.userId} AND read_at IS NULL)
    + (SELECT count(*) FROM invitation_notice WHERE organisation_id = ${actor.organisationId} AND user_id = ${actor.userId} AND read_at IS NULL) AS n`.execute(trx));
  return Number(r.rows[0]?.n ?? 0);
}

/** The follower's read scope: their organisation, plus the coalitions it belongs to. */
async function followerScope(db: DB, orgId: string, userId: string): Promise<Scope> {
  const c = await db.selectFrom('coalition_member').select('coalition_id').where('organisation_id', '=', orgId).execute();
  return { organisationIds: [orgId], coalitionIds: c.map((x) => x.coalition_id), userId };
}

export interface AlertCheckResult {
  newIncidentNotices: number;
  escalationNotices: number;
  emailed: number;
}

/** At most this many new-incident notices per follow and check; the rest are summed up in one. */
const maxNoticesPerCheck = 20;

/**
 * Checks every follow of the organisation's users: incidents that became visible since the last
 * check, and escalation in the follow's monthly series (notified once per new change period).
 * With `mail`, sends each user with new notifications one digest (names nothing).
 */
export async function checkAlerts(ctx: Ctx, orgId: string, mail?: MailConfig & { publicUrl?: string }): Promise<AlertCheckResult> {
  const out: AlertCheckResult = { newIncidentNotices: 0, escalationNotices: 0, emailed: 0 };
  const follows = await inTransaction(ctx.db, systemScope([orgId]), (trx) => trx.selectFrom('alert_follow').selectAll().where('organisation_id', '=', orgId).execute());
  for (const f of follows) {
    const scope = await inTransaction(ctx.db, systemScope([orgId]), (trx) => followerScope(trx, orgId, f.user_id));
    const now = new Date();
    const conds = [sql`i.archived_at IS NULL`, scopeCondition(scope), sql`i.created_at > ${f.last_checked_at}`, sql`i.created_at <= ${now}`];
    if (f.country) conds.push(sql`i.country = ${f.country}`);
    if (f.act_type) {
      conds.push(sql`EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL
        AND a.act_type = ANY(${expandFilter('act_type', [f.act_type])}::text[]))`);
    }
    const fresh = await inTransaction(ctx.db, scope, (trx) => sql<{ id: string; title: string; organisation_id: string; n: string }>`SELECT i.id, i.title, i.organisation_id, count(*) OVER () AS n
      FROM incident i WHERE ${sql.join(conds, sql` AND `)} ORDER BY i.created_at LIMIT ${maxNoticesPerCheck}`.execute(trx));
    const total = Number(fresh.rows[0]?.n ?? 0);
    const base = { country: f.country, actType: f.act_type };
    const notices: { kind: 'new_incident' | 'escalation'; payload: Record<string, unknown> }[] = fresh.rows.map((r) => ({
      kind: 'new_incident' as const,
      // The title is the record's own public-facing label; victims' names never go into a notice.
      payload: { ...base, incidentId: r.id, title: r.title, own: r.organisation_id === orgId },
    }));
    if (total > fresh.rows.length) notices.push({ kind: 'new_incident', payload: { ...base, more: total - fresh.rows.length } });
    let lastChange = f.last_change_period;
    const req = { unit: 'incidents' as const, country: f.country ?? undefined, actType: f.act_type ?? undefined };
    const a = await escalationInScope(ctx.db, scope, req);
    if (a.result.status === 'change' && a.result.direction === 'increase' && a.result.changePeriod !== f.last_change_period) {
      await storeEscalation(ctx.db, orgId, req, a);
      const user = await ctx.db.selectFrom('app_user').select('lang').where('id', '=', f.user_id).executeTakeFirst();
      const lang: Lang = user && isLang(user.lang) ? user.lang : 'es';
      notices.push({
        kind: 'escalation',
        payload: { ...base, changePeriod: a.result.changePeriod, pValue: a.result.pValue, rateRatio: a.result.rateRatio, sentence: escalationSentence(a, req, lang), lang },
      });
      lastChange = a.result.changePeriod;
    }
    await inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
      for (const n of notices) {
        await trx
          .insertInto('notification')
          .values({ organisation_id: orgId, id: newId(), user_id: f.user_id, follow_id: f.id, kind: n.kind, payload: JSON.stringify(n.payload) })
          .execute();
        if (n.kind === 'new_incident') out.newIncidentNotices++;
        else out.escalationNotices++;
      }
      await trx.updateTable('alert_follow').set({ last_checked_at: now, last_change_period: lastChange }).where('organisation_id', '=', orgId).where('id', '=', f.id).execute();
    });
  }
  if (mail) out.emailed = await sendNotificationDigests(ctx, orgId, mail);
  return out;
}

/**
 * One e-mail per user with notifications not yet e-mailed: a count and a link, nothing from the
 * records (mail leaves the server; the details stay behind the sign-in).
 */
export async function sendNotificationDigests(ctx: Ctx, orgId: string, mail: MailConfig & { publicUrl?: string }): Promise<number> {
  const pending = await inTransaction(ctx.db, systemScope([orgId]), (trx) => sql<{ user_id: string; email: string; lang: string; n: string }>`SELECT n.user_id, u.email::text AS email, u.lang, count(*) AS n
    FROM notification n JOIN app_user u ON u.id = n.user_id
    WHERE n.organisation_id = ${orgId} AND n.emailed_at IS NULL AND u.disabled_at IS NULL
    GROUP BY n.user_id, u.email, u.lang`.execute(trx));
  let sent = 0;
  for (const p of pending.rows) {
    const lang: Lang = isLang(p.lang) ? p.lang : 'es';
    const count = Number(p.n);
    await sendMail(mail, {
      to: p.email,
      subject: t(lang, 'analysis:notifications.mail_subject', { count }),
      text: t(lang, 'analysis:notifications.mail_body', { count, url: `${mail.publicUrl ?? ''}/notifications` }),
    });
    await inTransaction(ctx.db, systemScope([orgId]), (trx) =>
      trx.updateTable('notification').set({ emailed_at: new Date() }).where('organisation_id', '=', orgId).where('user_id', '=', p.user_id).where('emailed_at', 'is', null).execute(),
    );
    sent++;
  }
  return sent;
}

/** Runs `checkAlerts` for every organisation with follows, every `intervalMs`; returns a stop function. */
export function startAlertTimer(services: { ctx: Ctx; config: MailConfig & { publicUrl: string } }, intervalMs = 15 * 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // alert_follow is behind row-level security, so the job walks the organisations instead.
      const orgs = await services.ctx.db.selectFrom('organisation').select('id').where('locked_at', 'is', null).execute();
      for (const o of orgs) await checkAlerts(services.ctx, o.id, services.config);
    } catch {
      // A failed round is retried at the next tick; nothing identifying is logged here.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
