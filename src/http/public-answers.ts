/**
 * The bytes of a cached public answer as they go out: plain, brotli or gzip, each with its own
 * strong ETag. Compressed once, at brotli's best quality (a cached page is sent thousands of times),
 * and kept beside the answer until the cache drops it. Shared by the Fastify routes and the fast
 * path in front of them, so both send the same bytes under the same tags.
 */
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { CachedAnswer } from '../statements/index.js';
import { etagOf } from './plugins/revalidate.js';

export type Coding = 'br' | 'gzip';

export interface Representation {
  body: string | Buffer;
  etag: string;
  coding: Coding | null;
}

interface Representations {
  plain: Representation;
  br?: Representation;
  gzip?: Representation;
}

const kept = new WeakMap<CachedAnswer, Representations>();

/** brotli first (about a fifth smaller than gzip on these pages), then gzip, else null (plain, or leave it to @fastify/compress). */
export function pickEncoding(acceptEncoding: string | string[] | undefined): Coding | null {
  const ae = String(acceptEncoding ?? '');
  if (/\bbr\b(?!;q=0(?:\.0*)?\b)/.test(ae)) return 'br';
  if (/\bgzip\b(?!;q=0(?:\.0*)?\b)/.test(ae)) return 'gzip';
  return null;
}

/** Only text worth the trouble is compressed; PDFs and small answers go out as they are. */
export function compressible(a: CachedAnswer): boolean {
  return typeof a.body === 'string' && a.body.length > 1024;
}

export function representation(a: CachedAnswer, coding: Coding | null): Representation {
  let r = kept.get(a);
  if (!r) {
    r = { plain: { body: a.body, etag: etagOf(a.body), coding: null } };
    kept.set(a, r);
  }
  if (!coding || !compressible(a)) return r.plain;
  let z = r[coding];
  if (!z) {
    const body =
      coding === 'br'
        ? brotliCompressSync(a.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT } })
        : gzipSync(a.body, { level: 9 });
    z = { body, etag: `"${r.plain.etag.slice(1, -1)}-${coding}"`, coding };
    r[coding] = z;
  }
  return z;
}
