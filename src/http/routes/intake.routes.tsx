/**
 * "Report an attack": the public intake and its moderation queue. The public routes log nothing
 * (route log level silent: no access-log line, no error line with a path or a time), read no
 * address into anything kept, and work without JavaScript; the staff routes are ordinary pages.
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { can } from '../../access/index.js';
import {
  CodeThrottle,
  MAX_FILE_BYTES,
  MAX_FILES,
  StampBook,
  acceptingOrganisation,
  acceptingOrganisations,
  addReporterInfo,
  answerReport,
  defaultStampRules,
  defaultThrottleRules,
  intakeLowPriority,
  discardReportFiles,
  getReport,
  intakeSetting,
  listQueue,
  markSpam,
  openReceipt,
  openReportFile,
  organisationSlug,
  readMessage,
  readReportForm,
  reportDate,
  reportForCase,
  reporterView,
  reportRoom,
  setIntakeSetting,
  storeReportFile,
  submitReport,
  today,
  type IncomingFile,
  type QueueFilter,
  type RoomHold,
  type StampRules,
  type ThrottleRules,
} from '../../intake/index.js';
import { createDraft } from '../../records/index.js';
import { AppError, isAppError, type FieldIssue } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { FollowUpPage, OrganisationListPage, ReceiptPage, ReportFormPage, type FormValues } from '../../ui/intake/report-pages.js';
import { IntakeSettingsPage, QueuePage, ReportPage } from '../../ui/intake/queue-pages.js';
import { PageTemplates } from '../../ui/intake/page-template.js';
import { renderDocument } from '../../ui/render.js';
import { emptyDraft, type IncidentDraft } from '../../ui/workspace/intake.model.js';
import { checkCsrf } from '../plugins/csrf.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

export interface IntakeOptions {
  stamps?: Partial<StampRules>;
  throttle?: Partial<ThrottleRules>;
}

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui', 'assets');
/** No access log, no error log: nothing about a reporter's request is written anywhere. */
const quiet = { logLevel: 'silent' as const };

type Failure = { status: number; general?: string; issues: FieldIssue[] };

function fileFailure(lang: 'es' | 'en', e: unknown): Failure {
  const code = isAppError(e) ? e.code : (e as { code?: string }).code;
  const mb = Math.round(MAX_FILE_BYTES / 1024 / 1024);
  if (code === 'unsupported_media') return { status: 415, issues: [{ path: ['files'], key: 'intake:errors.file_type' }] };
  if (code === 'FST_FILES_LIMIT' || code === 'too_many') return { status: 413, issues: [{ path: ['files'], key: 'intake:errors.too_many_files', values: { max: MAX_FILES } }] };
  if (code === 'too_large' || code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT') return { status: 413, issues: [{ path: ['files'], key: 'intake:errors.file_too_large', values: { mb } }] };
  if (isAppError(e) && e.code === 'bad_input') return { status: 400, issues: [{ path: ['files'], key: 'intake:errors.file_type' }] };
  void lang;
  throw e;
}

export async function intakeRoutes(app: FastifyInstance, opts: { services: Services; intake?: IntakeOptions }) {
  const { services } = opts;
  const { ctx } = services;
  const stampSecret = createHmac('sha256', services.secret).update('atalaya:intake-stamp').digest();
  const stamps = new StampBook(stampSecret, { ...defaultStampRules, ...opts.intake?.stamps });
  const throttle = new CodeThrottle({ ...defaultThrottleRules, ...opts.intake?.throttle });
  // The intake's low-priority process (heavy steps) ends with the server.
  app.addHook('onClose', async () => intakeLowPriority.stop());

  for (const name of ['report.css', 'report.js']) {
    const body = readFileSync(join(assetsDir, name));
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    app.get(`/assets/${name}`, quiet, async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type(type).send(body));
  }

  // One more file than allowed reaches the handler, so "too many" is answered by name.
  await app.register(multipart, { limits: { files: MAX_FILES + 1, fields: 40, fieldSize: 100_000, fileSize: MAX_FILE_BYTES + 1 } });

  // ------------------------------------------------------------------------------ reporter side
  app.get('/report', quiet, async (req, reply) => {
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<OrganisationListPage pc={pc} orgs={await acceptingOrganisations(ctx)} />));
  });

  async function followUp(req: FastifyRequest, reply: FastifyReply, status: number, p: Parameters<typeof FollowUpPage>[0] extends infer P ? Omit<P, 'pc'> : never) {
    const pc = await pageContext(req, reply, services);
    return html(reply.status(status), renderDocument(<FollowUpPage pc={pc} {...p} />));
  }

  /** The report a posted code opens, or a page that says nothing about why not. */
  async function withCode(req: FastifyRequest, reply: FastifyReply): Promise<{ orgId: string; reportId: string; code: string } | FastifyReply> {
    const code = (req.body as Record<string, unknown> | undefined)?.code;
    try {
      const found = await openReceipt(ctx, throttle, code);
      if (!found) return followUp(req, reply, 404, { error: t(req.lang, 'intake:follow.wrong') });
      return { ...found, code: String(code) };
    } catch (e) {
      if (isAppError(e) && e.code === 'rate_limited') return followUp(req, reply, 429, { error: t(req.lang, 'intake:errors.throttled') });
      throw e;
    }
  }

  app.get('/report/follow-up', quiet, async (req, reply) => followUp(req, reply, 200, {}));

  app.post('/report/follow-up', quiet, async (req, reply) => {
    const found = await withCode(req, reply);
    if (!('orgId' in found)) return found;
    return followUp(req, reply, 200, { code: found.code, view: await reporterView(ctx, found.orgId, found.reportId) });
  });

  app.post('/report/follow-up/add', quiet, async (req, reply) => {
    const found = await withCode(req, reply);
    if (!('orgId' in found)) return found;
    const m = readMessage((req.body as Record<string, unknown>).message);
    if (m.issues.length) {
      return followUp(req, reply, 422, { code: found.code, error: t(req.lang, m.issues[0]!.key, m.issues[0]!.values), view: await reporterView(ctx, found.orgId, found.reportId) });
    }
    await addReporterInfo(ctx, found.orgId, found.reportId, m.text);
    return followUp(req, reply, 200, { code: found.code, notice: t(req.lang, 'intake:follow.added'), view: await reporterView(ctx, found.orgId, found.reportId) });
  });

  type SlugParams = { Params: { slug: string } };
  const blankForms = new PageTemplates(['stamp', 'csrf'] as const);
  async function form(req: FastifyRequest, reply: FastifyReply, org: { id: string; slug: string; name: string; country: string }, status = 200, values: FormValues = {}, failure?: Failure, filesLost = false) {
    const pc = await pageContext(req, reply, services);
    const stamp = stamps.issue(org.id);
    const render = (p: { stamp: string; csrf: string }) => renderDocument(
      <ReportFormPage
        pc={{ ...pc, csrf: p.csrf }}
        org={org}
        stamp={p.stamp}
        difficulty={stamps.rules.difficulty}
        values={values}
        issues={failure?.issues ?? []}
        general={failure?.general ?? null}
        filesLost={filesLost}
        maxFiles={MAX_FILES}
        maxMb={Math.round(MAX_FILE_BYTES / 1024 / 1024)}
      />,
    );
    // The blank form (what every report opens first) is kept per organisation, language, path and
    // year (the year list starts at the current one); a form with values or problems is rendered.
    const blank = status === 200 && !failure && !filesLost && Object.keys(values).length === 0;
    const key = `${org.id}\n${org.slug}\n${org.name}\n${org.country}\n${pc.lang}\n${pc.path}\n${new Date().getUTCFullYear()}`;
    const page = blank ? blankForms.fill(key, render, { stamp, csrf: pc.csrf }) : render({ stamp, csrf: pc.csrf });
    return html(reply.status(status), page);
  }

  app.get<SlugParams>('/report/:slug', quiet, async (req, reply) => {
    const org = await acceptingOrganisation(ctx, req.params.slug);
    if (!org) throw new AppError('not_found');
    return form(req, reply, org);
  });

  app.post<SlugParams>('/report/:slug', { ...quiet, config: { csrf: false } }, async (req, reply) => {
    const org = await acceptingOrganisation(ctx, req.params.slug);
    if (!org) throw new AppError('not_found');
    if (!req.isMultipart()) throw new AppError('unsupported_media');
    const lang = req.lang;
    const fields: Record<string, string> = {};
    const files: IncomingFile[] = [];
    let filesChosen = false;
    let failure: Failure | null = null;
    let body: ReturnType<typeof readReportForm>['body'] | null = null;
    let gated = false;
    let hold: RoomHold | null = null;

    // Everything that can refuse the report is checked before the first file byte is stored.
    const gate = async (): Promise<void> => {
      gated = true;
      (req as { body: unknown }).body = { _csrf: fields._csrf };
      checkCsrf(req, services);
      if (fields.website) {
        failure = { status: 422, issues: [{ path: ['website'], key: 'intake:errors.honeypot' }] };
        return;
      }
      const r = await reportRoom(ctx, org.id);
      if (r.room !== 'ok') {
        failure = { status: r.room === 'full' ? 429 : 404, general: t(lang, r.room === 'full' ? 'intake:errors.cap' : 'intake:errors.closed'), issues: [] };
        return;
      }
      hold = r.hold;
      const read = readReportForm(fields, org.country, lang);
      if (read.issues.length) {
        failure = { status: 422, issues: read.issues };
        return;
      }
      const verdict = stamps.check(fields.stamp, fields.proof, org.id);
      if (!verdict.ok && verdict.reason !== 'too_soon') {
        failure = { status: 422, general: t(lang, 'intake:errors.stamp'), issues: [] };
        return;
      }
      stamps.spend(fields.stamp!);
      // The slower path: a stamp that comes back too soon (no proof of work) waits out its time here.
      if (!verdict.ok) await sleep(Math.min(verdict.waitSeconds ?? 0, stamps.rules.minSecondsWithoutProof) * 1000);
      body = read.body;
    };

    // The place in today's count is given back however the request ends (committed, refused, failed).
    try {
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            if (typeof part.value === 'string' && !(part.fieldname in fields)) fields[part.fieldname] = part.value;
            continue;
          }
          if (!part.filename) {
            part.file.resume();
            continue;
          }
          filesChosen = true;
          if (!gated) await gate();
          if (failure) {
            part.file.resume();
            continue;
          }
          if (files.length >= MAX_FILES) {
            failure = fileFailure(lang, { code: 'too_many' });
            part.file.resume();
            continue;
          }
          try {
            files.push(await storeReportFile(ctx, org.id, part.file, part.filename));
            if (part.file.truncated) throw new AppError('too_large');
          } catch (e) {
            failure = fileFailure(lang, e);
            part.file.resume();
          }
        }
        if (!gated) await gate();
      } catch (e) {
        await discardReportFiles(ctx, org.id, files);
        if (isAppError(e) && e.code === 'csrf') throw e;
        failure = fileFailure(lang, e);
      }
      const { website: _w, _csrf: _c, stamp: _s, proof: _p, ...values } = fields;
      if (failure || !body) {
        await discardReportFiles(ctx, org.id, files);
        return form(req, reply, org, (failure as Failure | null)?.status ?? 422, values, failure ?? undefined, filesChosen);
      }
      try {
        const receipt = await submitReport(ctx, org.id, body, files);
        (hold as RoomHold | null)?.release(true);
        const pc = await pageContext(req, reply, services);
        return html(reply, renderDocument(<ReceiptPage pc={pc} code={receipt.code} day={today()} />));
      } catch (e) {
        await discardReportFiles(ctx, org.id, files);
        if (isAppError(e) && e.code === 'rate_limited') return form(req, reply, org, 429, values, { status: 429, general: t(lang, 'intake:errors.cap'), issues: [] }, filesChosen);
        throw e;
      }
    } finally {
      (hold as RoomHold | null)?.release();
    }
  });

  // -------------------------------------------------------------------------- organisation side
  type ReportParams = { Params: { reportId: string } };

  app.get('/intake/reports', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const s = (req.query as Record<string, unknown>).status;
    const filter: QueueFilter = s === 'spam' || s === 'case' ? s : 'open';
    const items = await listQueue(ctx, actor, filter);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<QueuePage pc={pc} filter={filter} items={items} />));
  });

  app.get<ReportParams>('/intake/reports/:reportId', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const report = await getReport(ctx, actor, req.params.reportId);
    const pc = await pageContext(req, reply, services);
    const notice = (req.query as Record<string, unknown>).answered ? t(req.lang, 'intake:report.answered') : null;
    return html(reply, renderDocument(<ReportPage pc={pc} report={report} notice={notice} canCreate={can(actor, 'record.create')} />));
  });

  app.post<ReportParams>('/intake/reports/:reportId/answer', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const m = readMessage(b.message);
    if (m.issues.length) throw new AppError('validation', { issues: m.issues });
    await answerReport(ctx, actor, req.params.reportId, b.kind === 'request' ? 'request' : 'reply', m.text);
    return reply.redirect(`/intake/reports/${req.params.reportId}?answered=1`, 303);
  });

  app.post<ReportParams>('/intake/reports/:reportId/spam', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await markSpam(ctx, actor, req.params.reportId, (req.body as Record<string, unknown> | undefined)?.spam !== '0');
    return reply.redirect(`/intake/reports/${req.params.reportId}`, 303);
  });

  app.post<ReportParams>('/intake/reports/:reportId/case', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const id = req.params.reportId;
    const r = await reportForCase(ctx, actor, id);
    const d: IncidentDraft = emptyDraft();
    const b = r.body;
    const intro = t(req.lang, 'intake:report.narrative_intro', { date: r.receivedOn });
    const extra = [b.whoAffected && `${t(req.lang, 'intake:report.who_affected')}: ${b.whoAffected}`, b.byWhom && `${t(req.lang, 'intake:report.by_whom')}: ${b.byWhom}`].filter(Boolean);
    d.incident = {
      ...d.incident,
      title: (b.what.split('\n')[0] ?? '').slice(0, 120),
      narrative: [intro, b.what, ...extra].join('\n\n'),
      narrativeSensitive: true,
      startDate: reportDate(b),
      startApproximate: b.when.approximate,
      country: b.place.country,
      subdivision: b.place.subdivision,
      placeName: b.place.detail,
    };
    d.evidence = r.evidence.map((e) => ({ ...e, key: e.original.storageKey.slice(0, 12) }));
    d.fromReport = id;
    const draftId = await createDraft(ctx, actor, d);
    return reply.redirect(`/incidents/new/${draftId}/incident`, 303);
  });

  type FileParams = { Params: { reportId: string; fileId: string; variant: string } };
  app.get<FileParams>('/intake/reports/:reportId/files/:fileId/:variant', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const variant = req.params.variant === 'original' ? 'original' : req.params.variant === 'clean' ? 'clean' : null;
    if (!variant) throw new AppError('not_found');
    const f = await openReportFile(ctx, actor, req.params.reportId, req.params.fileId, variant);
    const ext = f.mediaType.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin';
    return reply
      .header('content-disposition', `${variant === 'clean' ? 'inline' : 'attachment'}; filename="report-file-${f.sha256.slice(0, 12)}.${ext}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .type(f.mediaType)
      .send(f.stream);
  });

  app.get('/intake/settings', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    if (!can(actor, 'org.manage')) throw new AppError('forbidden');
    const s = await intakeSetting(ctx, actor.organisationId);
    const pc = await pageContext(req, reply, services);
    const notice = (req.query as Record<string, unknown>).saved ? t(req.lang, 'intake:settings.saved') : null;
    return html(reply, renderDocument(<IntakeSettingsPage pc={pc} {...s} slug={await organisationSlug(ctx, actor.organisationId)} notice={notice} />));
  });

  app.post('/intake/settings', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const cap = typeof b.dailyCap === 'string' && /^\d{1,6}$/.test(b.dailyCap.trim()) ? Number(b.dailyCap.trim()) : NaN;
    await setIntakeSetting(ctx, actor, b.acceptsReports === 'on', cap);
    return reply.redirect('/intake/settings?saved=1', 303);
  });
}
