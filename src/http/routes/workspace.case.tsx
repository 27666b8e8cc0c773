/** Case page, edits with conflict merge, history, actor page and evidence files. */
import { reportOfCase } from '../../intake/index.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type UserActor } from '../../access/index.js';
import {
  actorTimeline,
  createRecord,
  caseAudience,
  downloadName,
  getCaseFile,
  getEvidence,
  getHistory,
  getCaseHistory,
  isPartOfCase,
  caseRecordTables,
  getRecord,
  openEvidence,
  updateRecordCommand,
  uploadEvidence,
  userNames,
  defaultMaxEvidenceBytes,
  type Presented,
} from '../../records/index.js';
import { statementsForCase } from '../../statements/index.js';
import { AppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { renderDocument } from '../../ui/render.js';
import { ActorPage, CasePage, EvidencePage } from '../../ui/workspace/case.page.js';
import { CaseHistoryPage, RecordHistoryPage } from '../../ui/workspace/case-history.page.js';
import { editSpecs, formValues, mergedValues, postedValues, updateInput, type EditField } from '../../ui/workspace/edit.model.js';
import { ConflictPage, EditPage } from '../../ui/workspace/edit.page.js';
import { vocabLabel } from '../../ui/format.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';
import { readUpload } from './workspace.intake.js';


type IdParams = { Params: { id: string } };

function issuesToErrors(e: AppError, lang: 'es' | 'en'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of e.issues) out[String(i.path[0] ?? 'title')] ??= i.message ?? t(lang, i.key, i.values);
  return out;
}

export async function caseRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  app.get<IdParams>('/incidents/:id', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const file = await getCaseFile(ctx, actor, req.params.id);
    const audience = file.owner ? await caseAudience(ctx, actor, req.params.id) : null;
    const q = req.query as Record<string, unknown>;
    const notice = q.saved
      ? t(req.lang, 'workspace:intake.finished')
      : q.version
        ? t(req.lang, 'workspace:edit.saved', { version: String(q.version) })
        : q.shared
          ? t(req.lang, 'workspace:sharing.saved')
          : null;
    const pc = await pageContext(req, reply, services);
    const report = file.owner ? await reportOfCase(ctx, actor, req.params.id) : null;
    const fromReport = report ? { ...report, canOpen: can(actor, 'report.moderate') } : null;
    // Only the owner's cases can be cited (a statement's citations are its organisation's rows).
    const statements = file.owner && can(actor, 'statement.update') && can(actor, 'statement.create') ? await statementsForCase(ctx, actor, req.params.id) : null;
    return html(
      reply,
      renderDocument(
        <CasePage pc={pc} file={file} audience={audience} canShare={can(actor, 'record.share')} notice={notice} canEdit={can(actor, 'record.update')} fromReport={fromReport} statements={statements} />,
      ),
    );
  });

  app.get<IdParams>('/incidents/:id/history', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const incident = await getRecord(ctx, actor, 'incident', req.params.id, { audit: false });
    const entries = await getCaseHistory(ctx, actor, req.params.id);
    const names = await userNames(ctx, entries.map((e) => e.changedBy));
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<CaseHistoryPage pc={pc} incident={incident} entries={entries} names={names} />));
  });

  /** One record's own history, reached from its case (and only for a record of that case). */
  app.get<{ Params: { id: string; table: string; recordId: string } }>('/incidents/:id/history/:table/:recordId', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const table = caseRecordTables.find((x) => x === req.params.table);
    if (!table || !(await isPartOfCase(ctx, actor, req.params.id, table, req.params.recordId))) throw new AppError('not_found');
    const incident = await getRecord(ctx, actor, 'incident', req.params.id, { audit: false });
    const record = await getRecord(ctx, actor, table, req.params.recordId, { audit: false });
    const entries = await getHistory(ctx, actor, table, req.params.recordId);
    const names = await userNames(ctx, entries.map((e) => e.changedBy));
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<RecordHistoryPage pc={pc} incident={incident} table={table} record={record} entries={entries} names={names} />));
  });

  /** One edit flow for incidents and acts: form, save with version, conflict merge on a stale version. */
  function editRoutes(table: 'incident' | 'act' | 'source' | 'actor', path: string, idOf: (p: Record<string, string>) => string, back: (p: Record<string, string>) => string, title: (pc: { lang: 'es' | 'en' }, r: Presented) => string) {
    const spec: EditField[] = editSpecs[table];
    const load = async (actor: UserActor, p: Record<string, string>) => {
      const r = await getRecord(ctx, actor, table, idOf(p), { audit: false });
      // Parts are edited through their incident's URL: it must be the right one.
      if (table !== 'incident' && table !== 'actor' && r.incidentId !== p.id) throw new AppError('not_found');
      if (r.organisationId !== actor.organisationId) throw new AppError('not_found');
      return r;
    };
    app.get<{ Params: Record<string, string> }>(path, async (req, reply) => {
      const actor = requireUser(req, reply);
      if (!actor) return reply;
      const r = await load(actor, req.params);
      const pc = await pageContext(req, reply, services);
      return html(reply, renderDocument(<EditPage pc={pc} title={title(pc, r)} action={req.url.split('?')[0]!} cancel={back(req.params)} spec={spec} values={formValues(r, spec)} version={r.version} errors={{}} />));
    });
    app.post<{ Params: Record<string, string> }>(path, async (req: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply) => {
      const actor = requireUser(req, reply);
      if (!actor) return reply;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = body.merge ? mergedValues(body, spec) : postedValues(body, spec);
      const version = Number(body.version);
      const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim() : null;
      try {
        const saved = await updateRecordCommand(ctx, actor, table, idOf(req.params), { version, reason, ...updateInput(values, spec) }, req.lang);
        return reply.redirect(`${back(req.params)}?version=${saved.version}`, 303);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const pc = await pageContext(req, reply, services);
        if (e.code === 'conflict' && e.details.current) {
          const current = e.details.current as Presented;
          const by = (await userNames(ctx, [current.updatedBy])).get(current.updatedBy ?? '') ?? null;
          reply.status(409);
          return html(
            reply,
            renderDocument(
              <ConflictPage pc={pc} title={title(pc, current)} action={req.url.split('?')[0]!} spec={spec} yours={values} current={formValues(current, spec)} currentVersion={current.version} currentBy={by} reason={reason ?? ''} />,
            ),
          );
        }
        if (e.code === 'validation' || e.code === 'unknown_code') {
          reply.status(422);
          return html(reply, renderDocument(<EditPage pc={pc} title={title(pc, await load(actor, req.params))} action={req.url.split('?')[0]!} cancel={back(req.params)} spec={spec} values={values} version={version} errors={issuesToErrors(e, req.lang)} />));
        }
        throw e;
      }
    });
  }

  editRoutes('incident', '/incidents/:id/edit', (p) => p.id!, (p) => `/incidents/${p.id}`, (pc, r) => t(pc.lang, 'workspace:edit.title_incident', { title: String(r.title) }));
  editRoutes('act', '/incidents/:id/acts/:actId/edit', (p) => p.actId!, (p) => `/incidents/${p.id}`, (pc, r) => t(pc.lang, 'workspace:edit.title_act', { type: vocabLabel('act_type', r.actType, pc.lang) }));

  editRoutes('source', '/incidents/:id/sources/:sourceId/edit', (p) => p.sourceId!, (p) => `/incidents/${p.id}`, (pc, r) => t(pc.lang, 'workspace:edit.title_source', { type: vocabLabel('source_type', r.sourceType, pc.lang) }));

  /**
   * Adding an intervention (an appeal, a communication to a UN mechanism) or a link to another case,
   * from the case page, without JavaScript: the same field specs as the edit forms.
   */
  function addRoutes(table: 'intervention' | 'incident_link', path: string, titleKey: string, input: (incidentId: string, values: Record<string, unknown>) => Record<string, unknown>) {
    const spec: EditField[] = editSpecs[table];
    const own = async (actor: UserActor, id: string) => {
      const r = await getRecord(ctx, actor, 'incident', id, { audit: false });
      if (r.organisationId !== actor.organisationId) throw new AppError('not_found');
      return r;
    };
    const page = (pc: Awaited<ReturnType<typeof pageContext>>, id: string, values: Record<string, string>, errors: Record<string, string>) => (
      <EditPage pc={pc} title={t(pc.lang, titleKey)} action={path.replace(':id', id)} cancel={`/incidents/${id}`} spec={spec} values={values} version={0} errors={errors} create />
    );
    app.get<IdParams>(path, async (req, reply) => {
      const actor = requireUser(req, reply);
      if (!actor) return reply;
      await own(actor, req.params.id);
      const pc = await pageContext(req, reply, services);
      return html(reply, renderDocument(page(pc, req.params.id, formValues({}, spec), {})));
    });
    app.post<IdParams>(path, async (req, reply) => {
      const actor = requireUser(req, reply);
      if (!actor) return reply;
      await own(actor, req.params.id);
      const values = postedValues((req.body ?? {}) as Record<string, unknown>, spec);
      try {
        await createRecord(ctx, actor, table, input(req.params.id, updateInput(values, spec)), req.lang);
        return reply.redirect(`/incidents/${req.params.id}`, 303);
      } catch (e) {
        if (!(e instanceof AppError) || (e.code !== 'validation' && e.code !== 'unknown_code' && e.code !== 'not_found')) throw e;
        const pc = await pageContext(req, reply, services);
        reply.status(422);
        const errors = e.code === 'not_found' ? { toIncidentId: t(req.lang, 'workspace:field.toIncidentId_unknown') } : issuesToErrors(e, req.lang);
        return html(reply, renderDocument(page(pc, req.params.id, values, errors)));
      }
    });
  }

  addRoutes('intervention', '/incidents/:id/interventions/new', 'workspace:edit.title_new_intervention', (incidentId, v) => ({ ...v, incidentId }));
  // The other case is named by its address or its id, as copied from its page.
  addRoutes('incident_link', '/incidents/:id/links/new', 'workspace:edit.title_new_link', (incidentId, v) => {
    const other = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(String(v.toIncidentId ?? ''));
    return { ...v, fromIncidentId: incidentId, toIncidentId: other ? other[0].toLowerCase() : String(v.toIncidentId ?? '') };
  });

  editRoutes('actor', '/actors/:id/edit', (p) => p.id!, (p) => `/actors/${p.id}`, (pc, r) => t(pc.lang, 'workspace:edit.title_actor', { name: String(r.name ?? '') }));

  app.get<IdParams>('/actors/:id', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const tl = await actorTimeline(ctx, actor, req.params.id);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ActorPage pc={pc} who={tl.actor} acts={tl.acts} canEdit={tl.actor.organisationId === actor.organisationId && can(actor, 'record.update')} notice={(req.query as Record<string, unknown>).version ? t(req.lang, 'workspace:edit.saved', { version: String((req.query as Record<string, unknown>).version) }) : null} />));
  });

  app.post<IdParams>('/incidents/:id/evidence', { config: { csrf: false } }, async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    let id = '';
    await readUpload(req, services, async (file, fields) => {
      const r = await uploadEvidence(ctx, actor, req.params.id, file.file, { originalName: file.filename || 'file', description: fields.description ?? null }, defaultMaxEvidenceBytes);
      id = r.original.id;
    });
    return reply.redirect(`/evidence/${id}?uploaded=1`, 303);
  });

  app.get<IdParams>('/evidence/:id', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const g = await getEvidence(ctx, actor, req.params.id);
    const incident = await getRecord(ctx, actor, 'incident', String(g.evidence.incidentId), { audit: false });
    const pc = await pageContext(req, reply, services);
    const notice = (req.query as Record<string, unknown>).uploaded ? t(req.lang, 'workspace:case.uploaded', { sha: String(g.evidence.sha256) }) : null;
    return html(reply, renderDocument(<EvidencePage pc={pc} evidence={g.evidence} custody={g.custody} derivatives={g.derivatives} incidentTitle={String(incident.title)} notice={notice} />));
  });

  app.get<IdParams>('/evidence/:id/download', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const { evidence, stream } = await openEvidence(ctx, actor, req.params.id, 'download');
    return reply
      .header('content-disposition', `attachment; filename="${downloadName(evidence)}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .header('content-length', String(evidence.sizeBytes))
      .type(String(evidence.mediaType))
      .send(stream);
  });
}
