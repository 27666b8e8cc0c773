/**
 * Intake routes. Each step posts its form; the draft is saved first (even when invalid, so nothing
 * typed is lost), then validated when moving forward. With JavaScript, the same endpoint receives
 * autosaves (header X-Autosave) and answers 204 without validating.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { nulByteError, nulPath } from '../plugins/nul-bytes.js';
import { defaultVisibilityOf, writeScope, type UserActor } from '../../access/index.js';
import { inTransaction } from '../../store/index.js';
import {
  attachEvidence,
  createDraft,
  createRecord,
  deleteDraft,
  discardPendingFiles,
  findActorsByName,
  getRecord,
  getDraft,
  listDrafts,
  saveDraft,
  storeUpload,
  takeDraft,
  defaultMaxEvidenceBytes,
  type StoredFile,
} from '../../records/index.js';
import { linkReportToCase } from '../../intake/index.js';
import { answerDuplicate, findPossibleDuplicates, settleDuplicateAnswers, type DuplicateCandidate } from '../../linkage/platform/index.js';
import { AppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { renderDocument } from '../../ui/render.js';
import { DraftsPage, IntakeStepPage } from '../../ui/workspace/intake.page.js';
import {
  actInput,
  applyStep,
  draftTitle,
  duplicateProbe,
  emptyDraft,
  incidentInput,
  involvementInput,
  isStep,
  sourceInput,
  steps,
  validateAll,
  validateStep,
  victimInput,
  type IncidentDraft,
  type Step,
} from '../../ui/workspace/intake.model.js';
import { checkCsrf } from '../plugins/csrf.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route checks the CSRF token itself (multipart uploads read it from the form). */
    csrf?: boolean;
  }
}

type DraftParams = { Params: { draft: string; step: string } };

/**
 * Reads a multipart upload in form order: the CSRF token must come before any file byte is
 * accepted (the preHandler cannot see multipart fields), then the description, then the file.
 */
export async function readUpload(
  req: FastifyRequest,
  services: Services,
  onFile: (file: MultipartFile, fields: Record<string, string>) => Promise<void>,
): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  let checked = false;
  let sawFile = false;
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') {
        if (nulPath(part.value)) throw nulByteError([part.fieldname]);
        fields[part.fieldname] = part.value;
      }
      if (part.fieldname === '_csrf' && !checked) {
        (req as { body: unknown }).body = { _csrf: fields._csrf };
        checkCsrf(req, services);
        checked = true;
      }
      continue;
    }
    if (!checked) {
      if (typeof req.headers['x-csrf-token'] === 'string') {
        checkCsrf(req, services);
        checked = true;
      } else throw new AppError('csrf');
    }
    sawFile = true;
    await onFile(part, fields);
  }
  if (!checked) throw new AppError('csrf');
  if (!sawFile) throw new AppError('bad_input', { issues: [{ path: ['file'], key: 'workspace:evidence.empty' }] });
  return fields;
}

export async function intakeRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  const load = async (actor: UserActor, id: string) => (await getDraft<IncidentDraft>(ctx, actor, id)).payload;

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    draftId: string,
    step: Step,
    draft: IncidentDraft,
    errors: Record<string, string> = {},
    notice: string | null = null,
    duplicates: DuplicateCandidate[] = [],
  ) {
    const pc = await pageContext(req, reply, services);
    if (Object.keys(errors).length) reply.status(422);
    return html(reply, renderDocument(<IntakeStepPage pc={pc} draftId={draftId} step={step} draft={draft} errors={errors} notice={notice} duplicates={duplicates} />));
  }

  /** Steps after which the possible-duplicate check runs: the date and place, then the victims, are known. */
  const checkedSteps: readonly Step[] = ['incident', 'victims'];
  const possibleDuplicates = (actor: UserActor, id: string, step: Step, draft: IncidentDraft): Promise<DuplicateCandidate[]> =>
    // A draft already being added to a case is not asked again.
    checkedSteps.includes(step) && !draft.addTo ? findPossibleDuplicates(ctx, actor, duplicateProbe(id, draft)) : Promise.resolve([]);

  app.get('/incidents/new', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const drafts = await listDrafts(ctx, actor, draftTitle);
    const pc = await pageContext(req, reply, services);
    const notice = (req.query as Record<string, unknown>).discarded ? t(req.lang, 'workspace:intake.discarded') : null;
    return html(reply, renderDocument(<DraftsPage pc={pc} drafts={drafts} notice={notice} />));
  });

  app.post('/incidents/new', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    // A new case starts with the visibility the organisation chose for new cases (its settings).
    const draft = emptyDraft();
    draft.incident.visibility = await defaultVisibilityOf(ctx.db, actor.organisationId);
    const id = await createDraft(ctx, actor, draft);
    return reply.redirect(`/incidents/new/${id}/incident`, 303);
  });

  app.get<DraftParams>('/incidents/new/:draft/:step', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    if (!isStep(req.params.step)) throw new AppError('not_found');
    const draft = await load(actor, req.params.draft);
    const query = req.query as Record<string, unknown>;
    const saved = query.saved ? t(req.lang, 'workspace:intake.saved') : null;
    const duplicates = query.duplicates ? await possibleDuplicates(actor, req.params.draft, req.params.step, draft) : [];
    return render(req, reply, req.params.draft, req.params.step, draft, {}, saved, duplicates);
  });

  app.post<DraftParams>('/incidents/new/:draft/:step', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const { draft: id, step } = req.params;
    if (step === 'save') return finish(req, reply, actor, id);
    if (step === 'discard') {
      const d = await load(actor, id);
      await discardPendingFiles(ctx, actor, d.evidence.flatMap((e) => [e.original, e.stripped].filter((x): x is StoredFile => !!x)));
      await deleteDraft(ctx, actor, id);
      return reply.redirect('/incidents/new?discarded=1', 303);
    }
    if (!isStep(step)) throw new AppError('not_found');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const before = await load(actor, id);
    const hadFiles = before.evidence.flatMap((e) => [e.original, e.stripped]);
    const draft = applyStep(before, step, body);
    if (step === 'evidence') {
      // Files taken out of a draft were never recorded as evidence: they go.
      const kept = new Set(draft.evidence.flatMap((e) => [e.original.storageKey, e.stripped?.storageKey]));
      await discardPendingFiles(ctx, actor, hadFiles.filter((f): f is StoredFile => !!f && !kept.has(f.storageKey)));
    }
    if (req.headers['x-autosave'] === '1') {
      await saveDraft(ctx, actor, id, draft);
      return reply.status(204).send();
    }
    if (step === 'victims') {
      // A hint when a name is already recorded (through the blind index: names stay encrypted).
      for (const v of draft.victims) {
        if (v.actorId || v.choice === 'new' || v.matches.length) continue;
        const found = await findActorsByName(ctx, actor, v.name);
        v.matches = found.map((f) => ({ id: f.id, kind: String(f.kind), sectors: (f.sectors as string[]) ?? [], createdAt: f.createdAt }));
      }
    }
    await saveDraft(ctx, actor, id, draft);
    const go = typeof body.go === 'string' ? body.go : 'stay';
    const i = steps.indexOf(step);
    if (go === 'back') return reply.redirect(`/incidents/new/${id}/${steps[Math.max(0, i - 1)]}`, 303);
    if (go === 'next') {
      const errors = validateStep(draft, step, req.lang, (k) => t(req.lang, k));
      if (Object.keys(errors).length) return render(req, reply, id, step, draft, errors);
      const duplicates = await possibleDuplicates(actor, id, step, draft);
      if (duplicates.length) return render(req, reply, id, step, draft, {}, null, duplicates);
      return reply.redirect(`/incidents/new/${id}/${steps[Math.min(steps.length - 1, i + 1)]}`, 303);
    }
    const hasMatches = step === 'victims' && draft.victims.some((v) => v.matches.length && !v.choice);
    if (hasMatches) return render(req, reply, id, step, draft, validateStep(draft, step, req.lang, (k) => t(req.lang, k)));
    return reply.redirect(`/incidents/new/${id}/${step}?saved=1`, 303);
  });

  // The documenter's answer to a possible duplicate: remembered (and audited) for the pair; "same"
  // on an own case makes the draft an addition to it. `undo` turns the draft back into a new case.
  app.post<{ Params: { draft: string } }>('/incidents/new/:draft/duplicate', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const id = req.params.draft;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const draft = await load(actor, id);
    if (field('undo')) {
      delete draft.addTo;
      await saveDraft(ctx, actor, id, draft);
      return reply.redirect(`/incidents/new/${id}/incident`, 303);
    }
    const step = field('step');
    const answer = field('answer');
    if (!isStep(step) || (answer !== 'same' && answer !== 'different')) {
      throw new AppError('bad_input', { issues: [{ path: ['answer'], key: 'workspace:duplicates.bad_answer' }] });
    }
    const candidateOrganisationId = field('candidateOrganisationId');
    const candidateIncidentId = field('candidateIncidentId');
    const weight = Number(field('weight'));
    await answerDuplicate(ctx, actor, { subject: `draft:${id}`, candidateOrganisationId, candidateIncidentId, answer, weight: Number.isFinite(weight) ? weight : 0 });
    const next = steps[Math.min(steps.length - 1, steps.indexOf(step) + 1)];
    if (answer === 'same' && candidateOrganisationId === actor.organisationId) {
      const incident = await getRecord(ctx, actor, 'incident', candidateIncidentId);
      draft.addTo = { incidentId: incident.id, title: String(incident.title) };
      await saveDraft(ctx, actor, id, draft);
      return reply.redirect(`/incidents/new/${id}/${step === 'incident' ? 'victims' : next}`, 303);
    }
    // Other candidates may remain: the step shows them again, without the pair just answered.
    const left = await possibleDuplicates(actor, id, step, draft);
    return reply.redirect(left.length ? `/incidents/new/${id}/${step}?duplicates=1#duplicates` : `/incidents/new/${id}/${next}`, 303);
  });

  // Uploads during intake: stored encrypted at once, recorded as evidence when the incident is saved.
  app.post<DraftParams>('/incidents/new/:draft/upload', { config: { csrf: false } }, async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const id = req.params.draft;
    const draft = await load(actor, id);
    await readUpload(req, services, async (file, fields) => {
      const pending = await storeUpload(ctx, actor, file.file, { originalName: file.filename || 'file', description: fields.description ?? null }, defaultMaxEvidenceBytes);
      if (file.file.truncated) throw new AppError('too_large');
      draft.evidence.push({ ...pending, key: pending.original.storageKey.slice(0, 12) });
    });
    await saveDraft(ctx, actor, id, draft);
    return reply.redirect(`/incidents/new/${id}/evidence`, 303);
  });

  async function finish(req: FastifyRequest, reply: FastifyReply, actor: UserActor, id: string) {
    const checked = await load(actor, id);
    const problem = validateAll(checked, req.lang, (k) => t(req.lang, k));
    if (problem) return render(req, reply, id, problem.step, checked, problem.errors);
    const lang = req.lang;
    // All or nothing: the incident, its parts, its evidence rows and the draft's removal commit together.
    const incident = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
      const draft = await takeDraft<IncidentDraft>(ctx, actor, id, trx);
      // "Same case: add to it": the victims, acts, sources and evidence go into the existing case;
      // an act without its own date takes the one typed at the first step.
      const inc = draft.addTo
        ? { id: draft.addTo.incidentId }
        : await createRecord(ctx, actor, 'incident', incidentInput(draft), lang, trx);
      if (draft.addTo) for (const a of draft.acts) if (!a.startDate && draft.incident.startDate) Object.assign(a, { startDate: draft.incident.startDate, startApproximate: draft.incident.startApproximate });
      const victimIds = new Map<string, string>();
      for (const v of draft.victims) victimIds.set(v.key, v.actorId ?? (await createRecord(ctx, actor, 'actor', victimInput(v), lang, trx)).id);
      const actIds = new Map<string, string>();
      for (const a of draft.acts) actIds.set(a.key, (await createRecord(ctx, actor, 'act', actInput(a, inc.id, victimIds.get(a.victimKey)!), lang, trx)).id);
      for (const p of draft.perpetrators) await createRecord(ctx, actor, 'involvement', involvementInput(p, actIds.get(p.actKey)!), lang, trx);
      for (const s of draft.sources) await createRecord(ctx, actor, 'source', sourceInput(s, inc.id), lang, trx);
      for (const e of draft.evidence) await attachEvidence(ctx, actor, inc.id, e, null, trx);
      if (draft.fromReport) await linkReportToCase(ctx, actor, trx, draft.fromReport, inc.id);
      await settleDuplicateAnswers(trx, actor.organisationId, `draft:${id}`, inc.id);
      return inc;
    });
    return reply.redirect(`/incidents/${incident.id}?saved=1`, 303);
  }
}
