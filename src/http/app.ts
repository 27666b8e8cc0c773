/**
 * The Fastify application. Order matters: request id and context first, then security headers,
 * CSRF, routes; one error renderer for everything. Input validation happens in the domain commands
 * (zod, in the user's language), so route schemas serve the OpenAPI document only.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { sql } from 'kysely';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import { csrf } from './plugins/csrf.js';
import { nulBytes } from './plugins/nul-bytes.js';
import { errors } from './plugins/errors.js';
import { pageContext } from './page-context.js';
import { readRouting } from './plugins/read-routing.js';
import { requestContext, sessionCookieName } from './plugins/request-context.js';
import { publicFastPath, type FastPath } from './public-fast-path.js';
import { revalidation } from './plugins/revalidate.js';
import { analysisRoutes } from './routes/analysis.routes.js';
import { estimateRoutes } from './routes/estimate.routes.js';
import { linkageRoutes } from './routes/linkage.routes.js';
import { pageRoutes } from './routes/pages.routes.js';
import { adminRoutes } from './routes/admin.routes.js';
import { installationRoutes } from './routes/installation.routes.js';
import { invitationRoutes } from './routes/invitations.routes.js';
import { accountRoutes } from './routes/account.routes.js';
import { coalitionRoutes } from './routes/coalitions.routes.js';
import { vocabRoutes } from './routes/vocab.routes.js';
import { recordsApi } from './routes/records.api.js';
import { sessionApi } from './routes/session.api.js';
import { statementRoutes } from './routes/statements.routes.js';
import { vocabApi } from './routes/vocab.api.js';
import { workspaceRoutes } from './routes/workspace.routes.js';
import { interopRoutes } from './routes/interop.routes.js';
import { intakeRoutes as publicIntakeRoutes, type IntakeOptions } from './routes/intake.routes.js';
import type { Services } from './services.js';

/**
 * helmet itself, as @fastify/helmet depends on it. The plugin calls `helmet(options)` on every
 * request, which re-parses the Content-Security-Policy directives each time (about a tenth of the
 * cost of serving a cached public page); the middleware built once below sets the same headers.
 */
type HelmetMiddleware = (req: unknown, res: unknown, next: (err?: Error) => void) => void;
const helmet = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'))('helmet') as (opts: Record<string, unknown>) => HelmetMiddleware;

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'ui', 'assets');
const assetTypes: Record<string, string> = { css: 'text/css; charset=utf-8', svg: 'image/svg+xml', js: 'text/javascript; charset=utf-8' };

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves (method, path): the isolation matrix is generated from it. */
    routeTable: { method: string; url: string }[];
    /** Answers cached public statement pages before Fastify; absent when every request is logged. */
    publicFastPath?: FastPath;
  }
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Proof-of-work and code-throttle rules of the public intake (tests make them quick). */
  intake?: IntakeOptions;
}

/** Log lines carry method, path (no query string: it can hold search terms) and status; never addresses. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return {
    level,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'], remove: true },
    serializers: {
      req: (r: { method: string; url: string; id: string }) => ({ id: r.id, method: r.method, path: r.url.split('?')[0] }),
      res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
    },
  };
}

/** The headers helmet sets on every answer, in its order (they do not depend on the request). */
function headersOf(middleware: HelmetMiddleware): [string, string][] {
  const set: [string, string][] = [];
  const res = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => set.splice(0, set.length, ...set.filter(([n]) => n.toLowerCase() !== name.toLowerCase())),
    getHeader: () => undefined,
  };
  middleware({ headers: {} }, res, (err) => {
    if (err) throw err;
  });
  return set;
}

/**
 * Cached public statement pages are answered before Fastify (see public-fast-path.ts). With request
 * logging on, every request goes through Fastify so that each one is logged.
 */
function servePublicPagesFirst(app: FastifyInstance, services: Services, securityHeaders: HelmetMiddleware): void {
  if (services.config.logLevel === 'info' || services.config.logLevel === 'debug') return;
  const fast = publicFastPath({ ctx: services.ctx, securityHeaders: headersOf(securityHeaders), sessionCookie: sessionCookieName(services.config.secureCookies) });
  const [fastify] = app.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!fastify) return;
  app.server.removeListener('request', fastify);
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!fast.answer(req, res)) fastify(req, res);
  });
  app.decorate('publicFastPath', fast);
}

export async function buildApp(services: Services, opts: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
  });
  // Route schemas document the API; validation with translated messages happens in the commands.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(serializerCompiler);
  const routeTable: { method: string; url: string }[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routeTable.push({ method: m, url: r.url });
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(errors, { header: (req, reply) => pageContext(req, reply, services) });
  await app.register(requestContext, { services });
  await app.register(nulBytes);
  await app.register(readRouting, { services });
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: config.secureCookies ? { maxAge: 63072000, includeSubDomains: true, preload: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, done));
  servePublicPagesFirst(app, services, securityHeaders);
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (req) => req.clientHash || req.ip,
    allowList: (req) => req.url.startsWith('/assets/'),
  });
  await app.register(csrf, { services });
  await app.register(revalidation);

  // Authenticated answers must never be kept by a browser or proxy (a seized laptop's cache).
  app.addHook('onSend', async (req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.removeHeader('x-powered-by');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Atalaya API', version: '0.1.0', description: 'Documentation of attacks on human rights defenders. Sign in with POST /api/session; send X-CSRF-Token on every change.' },
    },
    transform: jsonSchemaTransform,
  });

  for (const name of ['app.css', 'favicon.svg']) {
    const body = readFileSync(join(assetsDir, name));
    const ext = name.split('.').pop()!;
    app.get(`/assets/${name}`, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type(assetTypes[ext] ?? 'application/octet-stream').send(body),
    );
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // For load balancers and operators: states and lags only, never a host name or a row.
  app.get('/healthz', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) => {
    let primary: 'up' | 'down' = 'up';
    try {
      await sql`SELECT 1`.execute(services.ctx.db);
    } catch {
      primary = 'down';
    }
    const replicas = services.reads?.status().replicas.map((r) => ({ name: r.name, state: r.state, lagMs: r.lagMs })) ?? [];
    return reply.status(primary === 'up' ? 200 : 503).send({ ok: primary === 'up', primary, replicas });
  });
  await app.register(sessionApi, { services });
  await app.register(recordsApi, { services });
  await app.register(vocabApi);
  await app.register(pageRoutes, { services });
  await app.register(adminRoutes, { services });
  await app.register(installationRoutes, { services });
  await app.register(invitationRoutes, { services });
  await app.register(accountRoutes, { services });
  await app.register(coalitionRoutes, { services });
  await app.register(vocabRoutes, { services });
  await app.register(workspaceRoutes, { services });
  await app.register(analysisRoutes, { services });
  await app.register(statementRoutes, { services });
  await app.register(linkageRoutes, { services });
  await app.register(estimateRoutes, { services });
  await app.register(interopRoutes, { services });
  await app.register(publicIntakeRoutes, { services, intake: opts.intake });
  return app;
}
