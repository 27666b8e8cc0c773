/**
 * The public statement site (no sign-in): index, statement pages per language, Atom feeds, JSON,
 * sitemap, PDFs, hero images, and the pages behind sign-on links. Published answers come from an
 * in-memory cache that every statement change clears. Scheduled statements are published when
 * their embargo time passes — checked on each request and by a timer while the server runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../access/index.js';
import { AppError } from '../../shared/errors.js';
import { isLang, t, type Lang } from '../../shared/i18n/index.js';
import {
  cachedAnswer,
  confirmOpenSignature,
  declineWithToken,
  heroOwner,
  invitationText,
  nowFor,
  openInvitation,
  openSignState,
  publicFacets,
  publicIndex,
  publicSitemapEntries,
  publicStatementBySlug,
  publicGeneration,
  publishDueIfNeeded,
  readHero,
  startPublicationTimer,
  renderMarkdown,
  requestOpenSignature,
  signWithToken,
  statementPdf,
  statementsAtom,
  storeAnswer,
  uiLang,
  viewWithdrawLink,
  withdrawSignature,
  type CachedAnswer,
  type LinkState,
  type PublicIndexFilters,
  type PublicStatement,
} from '../../statements/index.js';
import { inTransaction, publicScope } from '../../store/index.js';
import { isCountry } from '../../vocab/places.js';
import { renderIndexPage } from '../../ui/public/index-page.js';
import { PublicLayout } from '../../ui/public/public-layout.js';
import { renderConfirmForm, renderNotice, renderOpenSignForm, renderSignForm, renderWithdrawForm } from '../../ui/public/sign-pages.js';
import { renderStatementPage } from '../../ui/public/statement-page.js';
import { renderDocument } from '../../ui/render.js';
import { csrfTokenFor } from '../plugins/csrf.js';
import { freshReadCtx } from '../plugins/read-routing.js';
import { revalidate } from '../plugins/revalidate.js';
import { pickEncoding, representation } from '../public-answers.js';
import type { Services } from '../services.js';

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui', 'assets');
const PUBLISH_INTERVAL_MS = 30_000;

/** Published pages are cheap (memory) and public: the global per-client limit protects sign-in and writes instead. */
const openRead = { config: { rateLimit: false } } as const;

const filterQuery = z.object({
  country: z.string().optional(),
  lang: z.string().optional(),
  theme: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  q: z.string().optional(),
  ui: z.string().optional(),
});

function readFilters(query: unknown): PublicIndexFilters {
  const q = (query ?? {}) as Record<string, unknown>;
  const str = (k: string, re: RegExp) => (typeof q[k] === 'string' && re.test(q[k] as string) ? (q[k] as string) : undefined);
  const country = str('country', /^[A-Za-z]{2}$/);
  return {
    country: country && isCountry(country.toUpperCase()) ? country.toUpperCase() : undefined,
    lang: str('lang', /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/),
    theme: str('theme', /^[\p{L}\p{N}_-]{1,40}$/u),
    from: str('from', /^\d{4}-\d{2}-\d{2}$/),
    to: str('to', /^\d{4}-\d{2}-\d{2}$/),
    q: typeof q.q === 'string' && q.q.trim() ? q.q.trim().slice(0, 200) : undefined,
  };
}

function uiOf(req: FastifyRequest): Lang {
  const ui = (req.query as Record<string, unknown> | undefined)?.ui;
  return isLang(ui) ? ui : req.lang;
}

/** Cached answers go out in the encoding the client prefers, each with its own strong ETag for 304s. */
function send(req: FastifyRequest, reply: FastifyReply, a: CachedAnswer, maxAge = 60): FastifyReply {
  reply.status(a.status).type(a.type);
  reply.header('cache-control', a.status === 200 ? `public, max-age=${maxAge}` : 'no-store');
  reply.header('vary', 'accept-encoding');
  for (const [k, v] of Object.entries(a.headers ?? {})) reply.header(k, v);
  const r = representation(a, pickEncoding(req.headers['accept-encoding']));
  if (r.coding) reply.header('content-encoding', r.coding);
  if (a.status === 200 && revalidate(req, reply, r.etag)) return reply.send();
  return reply.send(r.body);
}

function statementJson(st: PublicStatement, base: string) {
  return {
    id: st.id,
    slug: st.slug,
    versionSlug: st.versionSlug,
    lang: st.lang,
    url: `${base}/statements/${st.versionSlug}`,
    pdf: `${base}/statements/${st.versionSlug}.pdf`,
    status: st.status,
    title: st.title,
    lead: st.lead,
    bodyMarkdown: st.body,
    bodyHtml: st.bodyHtml,
    countries: st.countries,
    themes: st.themes,
    date: st.statementDate,
    publishedAt: st.publishedAt.toISOString(),
    updatedAt: st.updatedAt.toISOString(),
    withdrawnAt: st.withdrawnAt?.toISOString() ?? null,
    withdrawalNote: st.withdrawalNote,
    translator: st.translator,
    versions: st.versions.map((v) => ({ lang: v.lang, slug: v.slug, title: v.title, url: `${base}/statements/${v.slug}` })),
    signatories: st.signatories,
    individuals: st.individuals,
    corrections: st.corrections.map((c) => ({ at: c.at.toISOString(), note: c.note })),
    cases: st.cases,
    press: st.press,
    hero: st.hero ? { url: `${base}/statements/media/${st.hero.key}-1600.jpg`, width: st.hero.width, height: st.hero.height, credit: st.hero.credit, alt: st.heroAlt } : null,
  };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const linkStatus: Record<LinkState, number> = {
  ok: 200,
  invalid: 404,
  expired: 410,
  used: 410,
  declined: 410,
  withdrawn: 410,
  closed: 409,
  deadline: 409,
  published: 409,
};

export async function publicRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx, config } = services;
  const base = config.publicUrl.replace(/\/$/, '');
  const mail = { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir, publicUrl: config.publicUrl };

  const stopTimer = startPublicationTimer(ctx, PUBLISH_INTERVAL_MS, (e) => app.log.error({ err: { type: (e as Error)?.name } }, 'scheduled publication failed'));
  app.addHook('onClose', async () => stopTimer());

  const css: CachedAnswer = { status: 200, type: 'text/css; charset=utf-8', body: readFileSync(join(assetsDir, 'public.css'), 'utf8') };
  app.get('/assets/public.css', async (req, reply) => send(req, reply, css, 86400));

  // When a busy page falls out of the cache (a change, or its age), the requests that arrive while it
  // is rendered wait for that one rendering instead of each reading the database and rendering again.
  // Only for requests since the same change: one that arrives after a later change gets a new rendering.
  const rendering = new Map<string, Promise<unknown>>();
  function once<T>(key: string, produce: () => Promise<T>): Promise<T> {
    const k = `${publicGeneration(ctx)}:${key}`;
    let p = rendering.get(k) as Promise<T> | undefined;
    if (!p) {
      p = produce().finally(() => rendering.delete(k));
      rendering.set(k, p);
    }
    return p;
  }

  // Answers are cached until the next statement change, so a miss reads a standby only if it has
  // replayed everything the primary had at that moment (see plugins/read-routing.ts).
  async function cached(req: FastifyRequest, reply: FastifyReply, key: string, produce: (rc: Ctx) => Promise<CachedAnswer>): Promise<FastifyReply> {
    await publishDueIfNeeded(ctx);
    const a =
      cachedAnswer(ctx, key) ??
      (await once(key, async () => {
        const generation = publicGeneration(ctx);
        const a = await produce(await freshReadCtx(services));
        if (a.status === 200) storeAnswer(ctx, key, a, generation);
        return a;
      }));
    return send(req, reply, a);
  }

  const notice = (req: FastifyRequest, reply: FastifyReply, ui: Lang, state: Parameters<typeof renderNotice>[1], status: number) =>
    reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderNotice(ui, state, req.url.split('?')[0]!, base));

  app.get('/statements', { ...openRead, schema: { hide: true } }, async (req, reply) => {
    const ui = uiOf(req);
    const f = readFilters(req.query);
    return cached(req, reply, `index:${ui}:${JSON.stringify(f)}`, async (rc) => {
      const [entries, facets] = await Promise.all([publicIndex(rc, f, ui), publicFacets(rc)]);
      return { status: 200, type: 'text/html; charset=utf-8', body: renderIndexPage({ ui, baseUrl: base, filters: f, entries, facets }) };
    });
  });

  app.get('/statements.atom', { ...openRead, schema: { hide: true } }, async (req, reply) => {
    const ui = uiOf(req);
    const f = readFilters(req.query);
    return cached(req, reply, `atom:${ui}:${JSON.stringify(f)}`, async (rc) => {
      const entries = await publicIndex(rc, { ...f, limit: 50, withSignatories: true }, ui);
      const self = '/statements.atom' + (req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '');
      return { status: 200, type: 'application/atom+xml; charset=utf-8', body: statementsAtom(entries, { baseUrl: base, selfPath: self, lang: ui }) };
    });
  });

  app.get('/api/statements', { ...openRead, schema: { tags: ['statements'], summary: 'Published joint statements (filters: country, lang, theme, from, to, q)', querystring: filterQuery } }, async (req, reply) => {
    const ui = uiOf(req);
    const f = readFilters(req.query);
    return cached(req, reply, `api:${ui}:${JSON.stringify(f)}`, async (rc) => {
      const entries = await publicIndex(rc, f, ui);
      const items = entries.map((e) => ({
        id: e.id,
        slug: e.slug,
        versionSlug: e.versionSlug,
        lang: e.lang,
        title: e.title,
        lead: e.lead,
        status: e.status,
        countries: e.countries,
        themes: e.themes,
        date: e.statementDate,
        publishedAt: e.publishedAt.toISOString(),
        updatedAt: e.updatedAt.toISOString(),
        url: `${base}/statements/${e.versionSlug}`,
        versions: e.versions.map((v) => ({ lang: v.lang, slug: v.slug, url: `${base}/statements/${v.slug}` })),
      }));
      return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify({ items }) };
    });
  });

  app.get<{ Params: { slug: string } }>('/api/statements/:slug', { ...openRead, schema: { tags: ['statements'], summary: 'One published language version', params: z.object({ slug: z.string() }) } }, async (req, reply) => {
    const slug = req.params.slug.toLowerCase();
    await publishDueIfNeeded(ctx);
    return cached(req, reply, `api1:${slug}`, async (rc) => {
      const r = await publicStatementBySlug(rc, slug);
      if (r.kind !== 'ok') throw new AppError('not_found');
      return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(statementJson(r.statement, base)) };
    });
  });

  app.get('/sitemap.xml', { ...openRead, schema: { hide: true } }, async (req, reply) =>
    cached(req, reply, 'sitemap', async (rc) => {
      const entries = await publicSitemapEntries(rc);
      const urls = entries
        .map(
          (e) =>
            `<url><loc>${xmlEscape(`${base}/statements/${e.slug}`)}</loc><lastmod>${e.updatedAt.toISOString()}</lastmod>` +
            e.alternates.map((a) => `<xhtml:link rel="alternate" hreflang="${xmlEscape(a.lang)}" href="${xmlEscape(`${base}/statements/${a.slug}`)}"/>`).join('') +
            '</url>',
        )
        .join('\n');
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n<url><loc>${xmlEscape(base + '/statements')}</loc></url>\n${urls}\n</urlset>\n`;
      return { status: 200, type: 'application/xml; charset=utf-8', body };
    }),
  );

  app.get('/robots.txt', { ...openRead, schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/plain; charset=utf-8')
      .send(`User-agent: *\nAllow: /statements\nDisallow: /sign/\nDisallow: /coordinate/\nDisallow: /incidents\nSitemap: ${base}/sitemap.xml\n`),
  );

  app.get<{ Params: { file: string } }>('/statements/media/:file', { ...openRead, schema: { hide: true } }, async (req, reply) => {
    const m = /^([A-Za-z0-9_-]{8,64})-(800|1600)\.jpg$/.exec(req.params.file);
    if (!m) throw new AppError('not_found');
    const owner = await heroOwner(ctx, m[1]!);
    const mayView = owner && (owner.isPublic || (req.actor.kind === 'user' && req.actor.organisationId === owner.orgId));
    if (!mayView) throw new AppError('not_found');
    const bytes = readHero(config.dataDir, m[1]!, Number(m[2]));
    if (!bytes) throw new AppError('not_found');
    return reply.header('cache-control', owner.isPublic ? 'public, max-age=31536000, immutable' : 'private, no-store').type('image/jpeg').send(bytes);
  });

  app.get<{ Params: { slug: string } }>('/statements/:slug', { ...openRead, schema: { hide: true } }, async (req, reply) => {
    let slug = req.params.slug.toLowerCase();
    const pdf = slug.endsWith('.pdf');
    if (pdf) slug = slug.slice(0, -4);
    await publishDueIfNeeded(ctx);
    const key = `${pdf ? 'pdf' : 'page'}:${slug}`;
    const hit = cachedAnswer(ctx, key);
    if (hit) return send(req, reply, hit);
    const { r, answer } = await once(key, async () => {
      const generation = publicGeneration(ctx);
      const r = await publicStatementBySlug(await freshReadCtx(services), slug);
      if (r.kind !== 'ok') return { r };
      const st = r.statement;
      const answer: CachedAnswer = pdf
        ? {
            status: 200,
            type: 'application/pdf',
            body: await statementPdf(st, config.dataDir, { url: `${base}/statements/${st.versionSlug}` }),
            headers: { 'content-disposition': `inline; filename="${st.versionSlug}.pdf"`, 'content-language': st.lang },
          }
        : { status: 200, type: 'text/html; charset=utf-8', body: renderStatementPage(st, base), headers: { 'content-language': st.lang } };
      storeAnswer(ctx, key, answer, generation);
      return { r, answer };
    });
    if (answer) return send(req, reply, answer);
    if (r.kind === 'missing' && !pdf) {
      // A statement's own slug (without a language) leads to the reader's language, else the source text.
      const { st, vs } = await inTransaction(ctx.db, publicScope, async (db) => {
        const st = await db.selectFrom('statement').select(['organisation_id', 'id', 'source_lang']).where('slug', '=', slug).executeTakeFirst();
        const vs = st ? await db.selectFrom('statement_version').select(['lang', 'slug']).where('organisation_id', '=', st.organisation_id).where('statement_id', '=', st.id).execute() : [];
        return { st, vs };
      });
      if (st) {
        const v = vs.find((x) => x.lang === req.lang) ?? vs.find((x) => x.lang === st.source_lang);
        // Only to a public text: a redirect for a draft would tell a guessed slug exists.
        if (v && (await publicStatementBySlug(ctx, v.slug)).kind === 'ok') return reply.header('cache-control', 'no-store').header('vary', 'accept-language').redirect(`/statements/${v.slug}`, 302);
      }
    }
    // Drafts and scheduled statements answer exactly as an unknown slug does: slugs are titles, and
    // titles can name people.
    return notice(req, reply, req.lang, 'missing', 404);
  });

  // ---------------------------------------------------------------- open sign-on (individuals)

  async function openSignTarget(slug: string) {
    // Read as the public reads it. A statement the public has never been shown (a draft, or one only
    // organisations are asked to sign) is missing here too, so a guessed slug learns nothing.
    return inTransaction(ctx.db, publicScope, async (db) => {
      const v = await db.selectFrom('statement_version').select(['organisation_id', 'statement_id', 'title', 'lead', 'slug', 'lang']).where('slug', '=', slug.toLowerCase()).executeTakeFirst();
      if (!v) return null;
      const st = await db.selectFrom('statement').select(['status', 'open_signon', 'sign_deadline', 'archived_at']).where('organisation_id', '=', v.organisation_id).where('id', '=', v.statement_id).executeTakeFirst();
      if (!st) return null;
      const shown = !st.archived_at && (st.status === 'published' || st.status === 'corrected' || st.status === 'withdrawn' || (st.status === 'open' && st.open_signon));
      if (!shown) return null;
      return { v, state: openSignState(st, nowFor(ctx)) };
    });
  }

  app.get<{ Params: { slug: string } }>('/statements/:slug/sign', { schema: { hide: true } }, async (req, reply) => {
    const target = await openSignTarget(req.params.slug);
    if (!target) return notice(req, reply, req.lang, 'missing', 404);
    if (target.state !== 'ok') return notice(req, reply, req.lang, target.state, linkStatus[target.state]);
    const csrf = csrfTokenFor(req, reply, services);
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderOpenSignForm(req.lang, target.v!, csrf, req.url.split('?')[0]!, base));
  });

  app.post<{ Params: { slug: string } }>('/statements/:slug/sign', { schema: { hide: true } }, async (req, reply) => {
    if (!(await openSignTarget(req.params.slug))) return notice(req, reply, req.lang, 'missing', 404);
    const state = await requestOpenSignature(ctx, req.params.slug.toLowerCase(), req.body, mail, req.lang);
    if (state !== 'ok') return notice(req, reply, req.lang, state === 'invalid' ? 'missing' : state, linkStatus[state]);
    return notice(req, reply, req.lang, 'requested', 200);
  });

  app.get<{ Params: { token: string } }>('/sign/confirm/:token', { schema: { hide: true } }, async (req, reply) => {
    const csrf = csrfTokenFor(req, reply, services);
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderConfirmForm(req.lang, req.params.token, csrf, '/sign/confirm', base));
  });

  app.post<{ Params: { token: string } }>('/sign/confirm/:token', { schema: { hide: true } }, async (req, reply) => {
    const state = await confirmOpenSignature(ctx, req.params.token);
    return notice(req, reply, req.lang, state === 'ok' ? 'confirmed' : state, linkStatus[state]);
  });

  // ---------------------------------------------------------------- organisations' sign-on links

  app.get<{ Params: { token: string } }>('/sign/withdraw/:token', { schema: { hide: true } }, async (req, reply) => {
    const view = await viewWithdrawLink(ctx, req.params.token);
    if (view.state !== 'ok') return notice(req, reply, req.lang, view.state === 'withdrawn' ? 'already_withdrawn' : view.state, linkStatus[view.state]);
    const csrf = csrfTokenFor(req, reply, services);
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderWithdrawForm(req.lang, view, req.params.token, csrf, '/sign/withdraw', base));
  });

  app.post<{ Params: { token: string } }>('/sign/withdraw/:token', { schema: { hide: true } }, async (req, reply) => {
    const state = await withdrawSignature(ctx, req.params.token);
    if (state !== 'ok') return notice(req, reply, req.lang, state === 'withdrawn' ? 'already_withdrawn' : state, linkStatus[state]);
    return notice(req, reply, req.lang, 'withdrawn_ok', 200);
  });

  app.get<{ Params: { token: string } }>('/sign/:token', { schema: { hide: true } }, async (req, reply) => {
    const view = await openInvitation(ctx, req.params.token);
    if (view.state !== 'ok') return notice(req, reply, req.lang, view.state, linkStatus[view.state]);
    const csrf = csrfTokenFor(req, reply, services);
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderSignForm(req.lang, view, req.params.token, csrf, '/sign', base));
  });

  app.get<{ Params: { token: string; lang: string } }>('/sign/:token/text/:lang', { schema: { hide: true } }, async (req, reply) => {
    const v = await invitationText(ctx, req.params.token, req.params.lang);
    if (!v) return notice(req, reply, req.lang, 'invalid', 404);
    const ui = uiLang(v.lang);
    const page = renderDocument(
      <PublicLayout head={{ lang: v.lang, ui, title: v.title, description: v.lead.slice(0, 160), canonical: `${base}/sign`, noindex: true }}>
        <article class="statement">
          <p class="notice">{t(req.lang, 'public:draft_for_signatories')}</p>
          <h1>{v.title}</h1>
          <p class="lead">{v.lead}</p>
          <div class="body" dangerouslySetInnerHTML={{ __html: renderMarkdown(v.body) }} />
          <p>
            <a href={`/sign/${req.params.token}`}>{t(req.lang, 'public:back_to_sign')}</a>
          </p>
        </article>
      </PublicLayout>,
    );
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
  });

  app.post<{ Params: { token: string } }>('/sign/:token', { schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const names: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith('name_') && typeof v === 'string') names[k.slice(5)] = v;
    const state = await signWithToken(ctx, req.params.token, { authority: body.authority, signerName: body.signerName, names }, mail, req.lang, { requestId: req.id, clientHash: req.clientHash });
    if (state !== 'ok') return notice(req, reply, req.lang, state, linkStatus[state]);
    return notice(req, reply, req.lang, 'signed', 200);
  });

  app.post<{ Params: { token: string } }>('/sign/:token/decline', { schema: { hide: true } }, async (req, reply) => {
    const state = await declineWithToken(ctx, req.params.token);
    if (state !== 'ok') return notice(req, reply, req.lang, state, linkStatus[state]);
    return notice(req, reply, req.lang, 'declined_ok', 200);
  });
}
