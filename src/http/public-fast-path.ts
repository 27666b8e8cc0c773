/**
 * Published statement pages (and their PDFs) answered from the public cache before Fastify sees the
 * request: no routing, hooks, session or language work, no database. Such a request's answer depends
 * on nothing but the URL and Accept-Encoding, so the server only has to pick the bytes kept for it.
 *
 * Anything this path is not sure to answer exactly as the routes would goes on to Fastify, which
 * then fills the cache: a miss; a query string (`?lang=` sets a cookie); a session cookie (a
 * signed-in person may have to change their password first, and their session's idle time is
 * renewed); an Accept-Encoding that names neither brotli nor gzip (@fastify/compress decides those);
 * an embargo that may have ended since the server last looked; per-request logging (level info or
 * debug). The headers are those the routes send, in the same order: the security headers helmet
 * sets, then type, cache-control, Vary, the answer's own headers (Content-Language), encoding, ETag
 * and length. public-fast-path.test.ts compares both ways header by header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from '../access/index.js';
import { cachedAnswer, publicationSettled, type CachedAnswer } from '../statements/index.js';
import { matchesEtag } from './plugins/revalidate.js';
import { compressible, pickEncoding, representation, type Representation } from './public-answers.js';

export interface FastPath {
  /** Answers the request and returns true, or returns false and leaves it untouched for Fastify. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
  /** How many requests it answered (tests check that it did). */
  served: number;
}

/** The same slugs the route looks up (it lowercases them; upper case goes the long way). */
const statementPath = /^\/statements\/([a-z0-9-]{1,120}?)(\.pdf)?$/;

interface Prepared {
  head: string[];
  notModified: string[];
  body: Buffer;
  etag: string;
}

export function publicFastPath(opts: { ctx: Ctx; securityHeaders: readonly (readonly [string, string])[]; sessionCookie: string }): FastPath {
  const { ctx, sessionCookie } = opts;
  const security = opts.securityHeaders.flat();
  const prepared = new WeakMap<Representation, Prepared>();

  function prepare(a: CachedAnswer, r: Representation): Prepared {
    let p = prepared.get(r);
    if (!p) {
      const body = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
      const notModified = [...security, 'content-type', a.type, 'cache-control', 'public, max-age=60', 'vary', 'accept-encoding'];
      for (const [k, v] of Object.entries(a.headers ?? {})) notModified.push(k, v);
      if (r.coding) notModified.push('content-encoding', r.coding);
      notModified.push('etag', r.etag);
      p = { head: [...notModified, 'content-length', String(body.length)], notModified, body, etag: r.etag };
      prepared.set(r, p);
    }
    return p;
  }

  const fast: FastPath = { answer, served: 0 };
  function answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const m = statementPath.exec(req.url ?? '');
    if (!m) return false;
    const cookie = req.headers.cookie;
    if (cookie && cookie.includes(`${sessionCookie}=`)) return false;
    if (!publicationSettled(ctx)) return false;
    const a = cachedAnswer(ctx, `${m[2] ? 'pdf' : 'page'}:${m[1]}`);
    if (!a || a.status !== 200) return false;
    const ae = req.headers['accept-encoding'];
    const coding = compressible(a) ? pickEncoding(ae) : null;
    if (ae !== undefined && coding === null && typeof a.body === 'string') return false;
    const p = prepare(a, representation(a, coding));
    if (matchesEtag(req.headers['if-none-match'], p.etag)) {
      res.writeHead(304, p.notModified);
      res.end();
    } else {
      res.writeHead(200, p.head);
      res.end(req.method === 'HEAD' ? undefined : p.body);
    }
    fast.served++;
    return true;
  }
  return fast;
}
