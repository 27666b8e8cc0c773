/**
 * The documentation workspace in the browser: case list (search, facets, CSV), intake, case page,
 * edits with conflict resolution, history, actor page, evidence files, organisation switcher.
 * Pages are GET; forms POST and redirect (303); everything works without JavaScript.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import multipart from '@fastify/multipart';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize, can, membershipsOf, updateSession, type UserActor } from '../../access/index.js';
import { defaultMaxEvidenceBytes, incidentFacets, listIncidents, parseInput, recordInput, type Presented } from '../../records/index.js';
import { openReportCount } from '../../intake/index.js';
import { t } from '../../shared/i18n/index.js';
import { appendAudit, inTransaction } from '../../store/index.js';
import { CaseListPage, filterParams, listHref } from '../../ui/workspace/case-list.page.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';
import { intakeRoutes } from './workspace.intake.js';
import { caseRoutes } from './workspace.case.js';
import { sharingRoutes } from './workspace.sharing.js';
import { actorsRoutes } from './workspace.actors.js';

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui', 'assets');

/** Spreadsheet formula injection: a cell starting with = + - @ (or a control) is neutralised. */
export function csvCell(v: unknown): string {
  const s = v == null ? '' : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function listParams(req: FastifyRequest): Record<string, string> {
  const raw = req.query as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of [...filterParams, 'cursor', 'limit']) {
    const v = raw[k];
    if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  }
  return out;
}

async function orgNamesFor(services: Services, actor: UserActor, extra: { value: string; label?: string }[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const o of await membershipsOf(services.ctx.db, actor.userId)) m.set(o.organisationId, o.name);
  for (const e of extra) if (e.label) m.set(e.value, e.label);
  return m;
}

export async function workspaceRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  for (const name of ['workspace.css', 'workspace.js']) {
    const body = readFileSync(join(assetsDir, name));
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    app.get(`/assets/${name}`, async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type(type).send(body));
  }

  // Streamed uploads, only for the workspace's routes (this plugin is encapsulated).
  await app.register(multipart, { limits: { files: 1, fields: 20, fileSize: defaultMaxEvidenceBytes } });

  app.get('/incidents', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const base = listParams(req);
    const q = parseInput(recordInput.listQuery, { ...base, limit: base.limit ?? '25' }, req.lang);
    // The page and the facet counts are independent reads: on a server they run at once.
    const rc = req.readCtx();
    const [page, facets] = await Promise.all([listIncidents(rc, actor, q), incidentFacets(rc, actor, q)]);
    const pc = await pageContext(req, reply, services);
    const { cursor: _c, limit: _l, ...filters } = base;
    const nextHref = page.nextCursor ? listHref(filters, { cursor: page.nextCursor }) : null;
    const orgNames = await orgNamesFor(services, actor, facets.facets.organisation);
    const openReports = await openReportCount(ctx, actor);
    const shared = Number((req.query as Record<string, unknown>).shared);
    return html(
      reply,
      renderDocument(
        <CaseListPage
          pc={pc}
          base={filters}
          items={page.items}
          rankedAmong={page.rankedAmong}
          facets={facets}
          nextHref={nextHref}
          paged={!!q.cursor}
          orgNames={orgNames}
          openReports={openReports}
          canShare={can(actor, 'record.share')}
          sharedCount={Number.isInteger(shared) && shared >= 0 ? shared : null}
        />,
      ),
    );
  });

  app.get('/incidents.csv', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'analysis.export');
    const { cursor: _c, limit: _l, ...filters } = listParams(req);
    const items: Presented[] = [];
    let cursor: string | undefined;
    do {
      const q = parseInput(recordInput.listQuery, { ...filters, limit: '200', ...(cursor ? { cursor } : {}) }, req.lang);
      const page = await listIncidents(req.readCtx(), actor, q, { exhaustive: true });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const orgNames = await orgNamesFor(services, actor, []);
    const cols = ['id', 'title', 'start_date', 'start_approximate', 'end_date', 'country', 'subdivision', 'place', 'status', 'visibility', 'organisation', 'created_at'] as const;
    const rows = items.map((i) =>
      [i.id, i.title, i.startDate, i.startApproximate ? 'true' : 'false', i.endDate, i.country, i.subdivision, i.placeName, i.status, i.visibility, orgNames.get(i.organisationId) ?? i.organisationId, i.createdAt].map(csvCell),
    );
    const body = stringify([cols.map((c) => t(req.lang, `workspace:csv.${c}`)), ...rows]);
    await inTransaction(ctx.db, { organisationIds: [actor.organisationId], coalitionIds: [], userId: actor.userId }, (trx) =>
      appendAudit(trx, { organisationId: actor.organisationId, userId: actor.userId, action: 'incident.export_csv', requestId: req.id, clientHash: req.clientHash, detail: { rows: items.length, filters: Object.keys(filters) } }),
    );
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-disposition', `attachment; filename="incidents-${day}.csv"`)
      .header('x-content-type-options', 'nosniff')
      .type('text/csv; charset=utf-8')
      .send('\ufeff' + body);
  });

  const orgBody = z.object({ organisationId: z.uuid(), _csrf: z.string().optional() });
  app.post('/session/organisation', async (req, reply) => {
    const session = req.session;
    if (!session || !session.mfaPassed) return reply.redirect('/login', 303);
    const { organisationId } = parseInput(orgBody, req.body, req.lang);
    const orgs = await membershipsOf(ctx.db, session.userId);
    const target = orgs.find((o) => o.organisationId === organisationId);
    // Not a member: answered like a missing organisation, and nothing changes.
    if (!target) return reply.callNotFound();
    await updateSession(ctx.db, session.token, { organisationId });
    return reply.redirect('/incidents', 303);
  });

  await app.register(intakeRoutes, { services });
  await app.register(caseRoutes, { services });
  await app.register(sharingRoutes, { services });
  await app.register(actorsRoutes, { services });
}
