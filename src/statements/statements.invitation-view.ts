/**
 * What an organisation invited on the platform reads before it signs: the full text of every
 * language version, the cases the statement cites (only what that organisation may see of them),
 * the deadline, and the name it will sign with (the signed-in person's, from their account).
 */
import { sql } from 'kysely';
import { actorOrganisation, authorize, can, coalitionsOf, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { inTransaction } from '../store/index.js';
import { renderMarkdown } from './markdown.render.js';
import type { SignatoryStatus, StatementStatus } from './statements.tables.js';
import './statements.tables.js';

export interface InvitationCase {
  /** Set when the viewer may open the case (shared with one of its coalitions and allowed to read cases). */
  id: string | null;
  title: string;
  startDate: string | null;
  startPrecision: string | null;
  country: string | null;
  subdivision: string | null;
  public: boolean;
}

export interface InvitationView {
  id: string;
  status: SignatoryStatus;
  statementStatus: StatementStatus;
  signDeadline: Date | null;
  coordinator: string;
  names: Record<string, string>;
  versions: { lang: string; title: string; lead: string; body: string; bodyHtml: string }[];
  cases: InvitationCase[];
  /** Cited cases this viewer may not see (neither public nor shared with it, or it may not read cases). */
  hiddenCases: number;
  signerName: string;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function invitationForMember(ctx: Ctx, actor: Actor, signatoryId: string): Promise<InvitationView> {
  authorize(actor, 'statement.read');
  if (actor.kind !== 'user' || !uuidRe.test(signatoryId)) throw new AppError('not_found');
  const orgId = actorOrganisation(actor);
  const scope = { organisationIds: [orgId], coalitionIds: await coalitionsOf(ctx.db, orgId), userId: actor.userId };
  // Someone who may read cases sees the shared ones as a partner would; a focal point (signatory)
  // sees only what the public would see of them.
  const readsCases = can(actor, 'record.read');
  return inTransaction(ctx.db, scope, async (db) => {
    const r = await db
      .selectFrom('statement_signatory as g')
      .innerJoin('statement as s', (j) => j.onRef('s.organisation_id', '=', 'g.organisation_id').onRef('s.id', '=', 'g.statement_id'))
      .innerJoin('organisation as o', 'o.id', 'g.organisation_id')
      .select(['g.id', 'g.status', 'g.display_names', 'g.organisation_id', 'g.statement_id', 's.status as statementStatus', 's.sign_deadline', 's.source_lang', 'o.name as coordinator'])
      .where('g.id', '=', signatoryId)
      .where('g.invited_org_id', '=', orgId)
      .where('s.archived_at', 'is', null)
      .executeTakeFirst();
    if (!r) throw new AppError('not_found');
    const vs = await db.selectFrom('statement_version').select(['lang', 'title', 'lead', 'body']).where('organisation_id', '=', r.organisation_id).where('statement_id', '=', r.statement_id).execute();
    vs.sort((a, b) => (a.lang === r.source_lang ? -1 : b.lang === r.source_lang ? 1 : a.lang.localeCompare(b.lang)));
    const cited = await sql<{ incident_id: string | null; title: string | null; start_date: string | null; start_precision: string | null; country: string | null; subdivision: string | null; is_public: boolean; is_shared: boolean }>`
      SELECT * FROM atalaya_statement_cases_for_invitee(${r.organisation_id}::uuid, ${r.statement_id}::uuid)`.execute(db);
    const cases: InvitationCase[] = [];
    let hiddenCases = 0;
    for (const c of cited.rows) {
      const visible = c.is_public || (readsCases && c.is_shared);
      if (!visible || !c.title) {
        hiddenCases++;
        continue;
      }
      const dateText = (d: unknown) => (d == null ? null : typeof d === 'string' ? d.slice(0, 10) : new Date(d as Date).toISOString().slice(0, 10));
      cases.push({
        id: readsCases && c.is_shared ? c.incident_id : null,
        title: c.title,
        // What the public sees of a public case is its month; a partner sees the recorded date.
        startDate: readsCases && c.is_shared ? dateText(c.start_date) : (dateText(c.start_date)?.slice(0, 7) ?? null),
        startPrecision: readsCases && c.is_shared ? c.start_precision : c.start_precision === 'year' ? 'year' : 'month',
        country: c.country,
        subdivision: readsCases && c.is_shared ? c.subdivision : null,
        public: c.is_public,
      });
    }
    const account = await db.selectFrom('app_user').select('display_name').where('id', '=', actor.userId).executeTakeFirst();
    return {
      id: r.id,
      status: r.status,
      statementStatus: r.statementStatus,
      signDeadline: r.sign_deadline,
      coordinator: r.coordinator,
      names: r.display_names,
      versions: vs.map((v) => ({ ...v, bodyHtml: renderMarkdown(v.body) })),
      cases,
      hiddenCases,
      signerName: account?.display_name ?? '',
    };
  });
}
