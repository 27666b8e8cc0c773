/**
 * The cases a statement is built from: the coordinator picks them by title, place and date among
 * the cases of their own organisation (a statement's citations are rows of that organisation, so
 * a partner's shared case cannot be cited), adds and removes them one at a time, and sees each
 * with its title, date and place. Every change is a statement event and bumps its version.
 */
import { authorize, readScope, writeScope, type Actor, type Ctx } from '../access/index.js';
import { listIncidents, parseInput, recordInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { type Lang } from '../shared/i18n/index.js';
import { isId } from '../shared/ids.js';
import { inTransaction } from '../store/index.js';
import { nowFor } from './statements.clock.js';
import { invalidatePublic } from './public-cache.js';
import './statements.tables.js';
import { loadOwn, logEvent, whoFor } from './statements.shared.js';

/** A case as the picker and the editor show it: no narrative, no names. */
export interface CitedCase {
  id: string;
  title: string;
  startDate: string | null;
  startApproximate: boolean;
  endDate: string | null;
  endApproximate: boolean;
  country: string | null;
  subdivision: string | null;
  placeName: string | null;
}

export interface CaseSearch {
  /** Words of the title or place (the case list's full-text search). */
  q?: string;
  /** Partial dates (YYYY, YYYY-MM, YYYY-MM-DD), as the case list takes them. */
  from?: string;
  to?: string;
}

const unknownCase = () => new AppError('validation', { issues: [{ path: ['incidentId'], key: 'statements:errors.incident_unknown' }] });

/** Cases of the actor's own organisation matching the search, newest first (by date), at most 20. */
export async function searchCitableCases(ctx: Ctx, actor: Actor, search: CaseSearch, lang: Lang = 'es'): Promise<CitedCase[]> {
  authorize(actor, 'statement.update');
  const scope = readScope(actor);
  const orgId = whoFor(actor).organisationId;
  if (!scope.organisationIds.includes(orgId)) return [];
  const clean = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  const q = parseInput(
    recordInput.listQuery,
    { q: clean(search.q), from: clean(search.from), to: clean(search.to), organisation: orgId, sort: clean(search.q) ? 'relevance' : 'date', limit: 20 },
    lang,
  );
  const page = await listIncidents(ctx, actor, q);
  return page.items.filter((i) => i.organisationId === orgId).map((i) => ({
    id: i.id,
    title: String(i.title ?? ''),
    startDate: (i.startDate as string | null) ?? null,
    startApproximate: i.startApproximate === true,
    endDate: (i.endDate as string | null) ?? null,
    endApproximate: i.endApproximate === true,
    country: (i.country as string | null) ?? null,
    subdivision: (i.subdivision as string | null) ?? null,
    placeName: (i.placeName as string | null) ?? null,
  }));
}

async function changeCitation(ctx: Ctx, actor: Actor, statementId: string, incidentId: string, add: boolean): Promise<void> {
  authorize(actor, 'statement.update');
  if (!isId(incidentId)) throw unknownCase();
  const who = whoFor(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, statementId);
    if (st.status === 'withdrawn') throw new AppError('invalid_state');
    if (add) {
      const inc = await trx.selectFrom('incident').select('id').where('organisation_id', '=', who.organisationId).where('id', '=', incidentId).where('archived_at', 'is', null).executeTakeFirst();
      if (!inc) throw unknownCase();
      const r = await trx
        .insertInto('statement_incident')
        .values({ organisation_id: who.organisationId, statement_id: statementId, incident_id: incidentId })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return;
    } else {
      const r = await trx.deleteFrom('statement_incident').where('organisation_id', '=', who.organisationId).where('statement_id', '=', statementId).where('incident_id', '=', incidentId).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return;
    }
    await trx
      .updateTable('statement')
      .set({ version: st.version + 1, updated_at: nowFor(ctx), updated_by: who.userId })
      .where('organisation_id', '=', who.organisationId)
      .where('id', '=', statementId)
      .execute();
    await logEvent(ctx, trx, who, statementId, add ? 'case_add' : 'case_remove', { incidentId });
  });
  invalidatePublic(ctx);
}

/** Cites one more case of the actor's organisation (a case already cited is left as it is). */
export function citeCase(ctx: Ctx, actor: Actor, statementId: string, incidentId: string): Promise<void> {
  return changeCitation(ctx, actor, statementId, incidentId, true);
}

export function unciteCase(ctx: Ctx, actor: Actor, statementId: string, incidentId: string): Promise<void> {
  return changeCitation(ctx, actor, statementId, incidentId, false);
}

/** Statements a case can still be added to: not withdrawn, newest first. */
export async function statementsForCase(ctx: Ctx, actor: Actor, incidentId: string): Promise<{ id: string; title: string; status: string; cites: boolean }[]> {
  authorize(actor, 'statement.update');
  const orgId = whoFor(actor).organisationId;
  return inTransaction(ctx.db, readScope(actor), async (db) => {
    const sts = await db
      .selectFrom('statement as s')
      .innerJoin('statement_version as v', (j) => j.onRef('v.organisation_id', '=', 's.organisation_id').onRef('v.statement_id', '=', 's.id').onRef('v.lang', '=', 's.source_lang'))
      .select(['s.id', 's.status', 'v.title'])
      .where('s.organisation_id', '=', orgId)
      .where('s.archived_at', 'is', null)
      .where('s.status', '<>', 'withdrawn')
      .orderBy('s.updated_at', 'desc')
      .limit(100)
      .execute();
    const cited = isId(incidentId)
      ? new Set((await db.selectFrom('statement_incident').select('statement_id').where('organisation_id', '=', orgId).where('incident_id', '=', incidentId).execute()).map((r) => r.statement_id))
      : new Set<string>();
    return sts.map((s) => ({ id: s.id, title: s.title, status: s.status, cites: cited.has(s.id) }));
  });
}

/** One case of the actor's organisation as the picker shows it (to start a statement from it). */
export async function citableCase(ctx: Ctx, actor: Actor, incidentId: string): Promise<CitedCase> {
  authorize(actor, 'statement.create');
  if (!isId(incidentId)) throw unknownCase();
  const orgId = whoFor(actor).organisationId;
  const i = await inTransaction(ctx.db, readScope(actor), (db) =>
    db
      .selectFrom('incident')
      .select(['id', 'title', 'start_date', 'start_approximate', 'end_date', 'end_approximate', 'country', 'subdivision', 'place_name'])
      .where('organisation_id', '=', orgId)
      .where('id', '=', incidentId)
      .where('archived_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!i) throw unknownCase();
  return { id: i.id, title: i.title, startDate: i.start_date, startApproximate: i.start_approximate, endDate: i.end_date, endApproximate: i.end_approximate, country: i.country, subdivision: i.subdivision, placeName: i.place_name };
}
