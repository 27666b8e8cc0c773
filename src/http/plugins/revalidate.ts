/**
 * Compression and revalidation of what the server sends.
 *
 * Compression: HTML, CSS, JSON, CSV, SVG, XML/Atom and plain text go out brotli- or gzip-encoded
 * (@fastify/compress; brotli at quality 4, which costs about what gzip does). Compressing pages
 * that carry a CSRF token next to reflected input invites BREACH; it needs the attacker to make the
 * victim's browser send authenticated requests from another site, which the SameSite=Strict
 * session and CSRF cookies refuse, so the risk does not apply here.
 *
 * Revalidation: a GET answer that a cache may keep (`cache-control` public, or `no-cache`) gets an
 * ETag, and a request whose If-None-Match names it gets 304 without a body. The tag is taken before
 * compression, so it is weak (the same for the brotli, gzip and plain bytes of one page, as nginx
 * does); the public statement site tags each compressed copy it keeps with a strong tag of its own. Answers marked `no-store` (everything a signed-in user sees) get none: nothing about them
 * should be kept or compared.
 */
import { createHash } from 'node:crypto';
import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export const compressibleTypes = /^(?:text\/(?:html|css|csv|plain|javascript)|application\/(?:json|problem\+json|atom\+xml|xml|javascript)|image\/svg\+xml)(?:;|$)/;

export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** True when an If-None-Match header names this tag (or `*`); weak tags compare by their opaque part. */
export function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const list = [header].flat().join(',');
  if (list.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return list.split(',').some((x) => x.trim().replace(/^W\//, '') === opaque);
}

/** Answers 304 when the client already holds this representation; otherwise labels it. */
export function revalidate(req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('etag', etag);
  if (!matchesEtag(req.headers['if-none-match'], etag)) return false;
  reply.code(304);
  return true;
}

export const revalidation = fp(async (app: FastifyInstance) => {
  await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024, customTypes: compressibleTypes });
  app.addHook('onSend', async (req, reply, payload) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || reply.statusCode !== 200 || reply.hasHeader('etag')) return payload;
    const cc = String(reply.getHeader('cache-control') ?? '');
    if (!/\b(?:public|no-cache)\b/.test(cc) || /\bno-store\b/.test(cc)) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    return revalidate(req, reply, `W/${etagOf(payload)}`) ? '' : payload;
  });
});
