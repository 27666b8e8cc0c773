/**
 * Coordinator pages for joint statements (signed-in users): list, create, edit details and each
 * language version, sign-on invitations and moderation, status, corrections, withdrawal, hero
 * image, import, and the invitations addressed to the user's own organisation. Forms post and
 * redirect (303); bad input is rendered by the one error renderer, in the user's language.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../access/index.js';
import { AppError } from '../../shared/errors.js';
import {
  addCorrection,
  answerAsMember,
  changeStatus,
  createStatement,
  getStatementForEditor,
  importStatement,
  invitationForMember,
  invitationsForOrganisation,
  inviteSignatory,
  listOwnStatements,
  MAX_HERO_BYTES,
  moderateSignature,
  processHeroImage,
  saveVersion,
  setHero,
  setSignatoryOrder,
  statementInput,
  updateStatement,
  withdrawStatement,
} from '../../statements/index.js';
import { parseInput } from '../../records/index.js';
import { ImportPage, NewStatementPage, StatementEditorPage, StatementListPage, VersionPage } from '../../ui/statements/statement-pages.js';
import { InvitationPage, InvitationsPage, PublishConfirmPage } from '../../ui/statements/signon-pages.js';
import { renderDocument } from '../../ui/render.js';
import { renderNotice } from '../../ui/public/sign-pages.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';
import { publicRoutes } from './public.routes.js';

type Body = Record<string, unknown>;

function formBody(req: FastifyRequest): Body {
  const b = req.body;
  return b && typeof b === 'object' ? (b as Body) : {};
}

/** Fields with a prefix (`name_es`, `note_en` …) as a map by the rest of the name. */
function prefixed(body: Body, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (k.startsWith(prefix) && typeof v === 'string') out[k.slice(prefix.length)] = v;
  return out;
}

/** Registers the public statement site too, so the app needs one line for both. */
export async function statementRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx, config } = services;
  const mail = { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir, publicUrl: config.publicUrl };
  await app.register(publicRoutes, { services });
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: MAX_HERO_BYTES, files: 1, fields: 20 } });

  const editor = (id: string) => `/coordinate/statements/${id}`;
  const back = (reply: FastifyReply, to: string) => reply.redirect(to, 303);

  app.get('/coordinate/statements', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const items = await listOwnStatements(ctx, actor);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<StatementListPage pc={pc} items={items} />));
  });

  app.get('/coordinate/statements/new', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'statement.create');
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<NewStatementPage pc={pc} />));
  });

  app.post('/coordinate/statements', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const { id } = await createStatement(ctx, actor, formBody(req), req.lang);
    return back(reply, editor(id));
  });

  app.get('/coordinate/statements/import', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'statement.publish');
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ImportPage pc={pc} />));
  });

  app.post('/coordinate/statements/import', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = formBody(req);
    // The text may be pasted or uploaded as a plain-text file (multipart gives a string or a Buffer).
    const file = body.file;
    const uploaded = Buffer.isBuffer(file) ? file.toString('utf8') : typeof file === 'string' ? file : '';
    const text = uploaded.trim() ? uploaded : body.text;
    const r = await importStatement(ctx, actor, { ...body, text, file: undefined }, req.lang);
    return back(reply, editor(r.id));
  });

  app.get<{ Params: { id: string } }>('/coordinate/statements/:id', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const s = await getStatementForEditor(ctx, actor, req.params.id);
    const organisations = (await ctx.db.selectFrom('organisation').select(['id', 'name']).where('id', '<>', actor.organisationId).where('sealed_at', 'is', null).orderBy('name').limit(500).execute());
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<StatementEditorPage pc={pc} s={s} organisations={organisations} />));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = formBody(req);
    await updateStatement(ctx, actor, req.params.id, { ...body, openSignon: body.openSignon ?? false }, req.lang);
    return back(reply, editor(req.params.id));
  });

  // The new version's language comes as ?tag=, not ?lang=: ?lang= switches the whole interface's
  // language (and remembers it), so adding an English version turned a Spanish editor's pages English.
  app.get<{ Params: { id: string }; Querystring: { tag?: string } }>('/coordinate/statements/:id/versions/new', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const tag = parseInput(statementInput.langTag, req.query.tag ?? '', req.lang);
    return back(reply, `${editor(req.params.id)}/versions/${encodeURIComponent(tag)}`);
  });

  app.get<{ Params: { id: string; lang: string } }>('/coordinate/statements/:id/versions/:lang', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const tag = parseInput(statementInput.langTag, req.params.lang, req.lang);
    const s = await getStatementForEditor(ctx, actor, req.params.id);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<VersionPage pc={pc} s={s} lang={tag} />));
  });

  app.post<{ Params: { id: string; lang: string } }>('/coordinate/statements/:id/versions/:lang', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await saveVersion(ctx, actor, req.params.id, req.params.lang, formBody(req), req.lang);
    return back(reply, editor(req.params.id));
  });

  app.get<{ Params: { id: string } }>('/coordinate/statements/:id/publish', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'statement.publish');
    const s = await getStatementForEditor(ctx, actor, req.params.id);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<PublishConfirmPage pc={pc} s={s} />));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id/status', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = formBody(req);
    // Publishing at once cannot be undone: it happens only from the confirmation page's button.
    if (body.to === 'published' && body.confirm !== 'yes') {
      authorize(actor, 'statement.publish');
      return back(reply, `${editor(req.params.id)}/publish`);
    }
    await changeStatus(ctx, actor, req.params.id, { to: body.to, embargoUntil: body.embargoUntil }, req.lang);
    return back(reply, editor(req.params.id));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id/invite', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await inviteSignatory(ctx, actor, req.params.id, formBody(req), mail, req.lang);
    return back(reply, editor(req.params.id));
  });

  app.post<{ Params: { id: string; sid: string } }>('/coordinate/statements/:id/signatories/:sid/moderate', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await moderateSignature(ctx, actor, req.params.id, req.params.sid, formBody(req).approve === '1');
    return back(reply, editor(req.params.id));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id/order', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = formBody(req);
    const positions = Object.entries(prefixed(body, 'pos_'))
      .map(([id, pos]) => ({ id, pos: Number(pos) }))
      .filter((p) => Number.isFinite(p.pos))
      .sort((a, b) => a.pos - b.pos)
      .map((p) => p.id);
    const order = parseInput(statementInput.orderInput, { order: positions }, req.lang).order;
    await setSignatoryOrder(ctx, actor, req.params.id, body.mode === 'manual' ? 'manual' : 'alpha', order);
    return back(reply, editor(req.params.id));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id/correction', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await addCorrection(ctx, actor, req.params.id, { notes: prefixed(formBody(req), 'note_') }, req.lang);
    return back(reply, editor(req.params.id));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id/withdraw', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await withdrawStatement(ctx, actor, req.params.id, formBody(req), req.lang);
    return back(reply, editor(req.params.id));
  });

  app.post<{ Params: { id: string } }>('/coordinate/statements/:id/hero', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'statement.update');
    const body = formBody(req);
    const file = body.hero;
    if (!Buffer.isBuffer(file) || file.length === 0) throw new AppError('validation', { issues: [{ path: ['hero'], key: 'statements:errors.hero_missing' }] });
    const credit = typeof body.heroCredit === 'string' && body.heroCredit.trim() ? body.heroCredit.trim().slice(0, 300) : null;
    const hero = await processHeroImage(config.dataDir, file);
    await setHero(ctx, actor, req.params.id, hero, credit);
    return back(reply, editor(req.params.id));
  });

  app.get('/coordinate/invitations', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const items = await invitationsForOrganisation(ctx, actor);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<InvitationsPage pc={pc} items={items} />));
  });

  app.get<{ Params: { sid: string } }>('/coordinate/invitations/:sid', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const inv = await invitationForMember(ctx, actor, req.params.sid);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<InvitationPage pc={pc} inv={inv} />));
  });

  app.post<{ Params: { sid: string } }>('/coordinate/invitations/:sid', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = formBody(req);
    const answer = body.answer === 'decline' ? 'decline' : body.answer === 'withdraw' ? 'withdraw' : 'sign';
    const state = await answerAsMember(ctx, actor, req.params.sid, answer, { authority: body.authority, signerName: body.signerName, names: prefixed(body, 'name_') }, req.lang);
    if (state !== 'ok') {
      return reply.status(409).type('text/html; charset=utf-8').send(renderNotice(req.lang, state, '/coordinate/invitations', config.publicUrl));
    }
    return back(reply, `/coordinate/invitations/${req.params.sid}`);
  });
}
