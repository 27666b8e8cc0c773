/**
 * In-memory cache of public answers (statement pages, index, feeds, sitemap, PDFs), one per
 * running server. Every statement command calls `invalidatePublic`, so a reader never sees a page
 * older than the last change; publication at the embargo time invalidates too.
 */
import type { Ctx } from '../access/index.js';

export interface CachedAnswer {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const MAX_ENTRIES = 2000;
const caches = new WeakMap<object, Map<string, CachedAnswer>>();
const disabled = new WeakSet<object>();

/** Turns the cache off for one server (the benchmark measures both ways). */
export function setPublicCacheEnabled(ctx: Ctx, on: boolean): void {
  if (on) disabled.delete(ctx);
  else {
    disabled.add(ctx);
    cacheOf(ctx).clear();
  }
}

function cacheOf(ctx: Ctx): Map<string, CachedAnswer> {
  let c = caches.get(ctx);
  if (!c) {
    c = new Map();
    caches.set(ctx, c);
  }
  return c;
}

export function cachedAnswer(ctx: Ctx, key: string): CachedAnswer | undefined {
  if (disabled.has(ctx)) return undefined;
  return cacheOf(ctx).get(key);
}

export function storeAnswer(ctx: Ctx, key: string, answer: CachedAnswer): void {
  if (disabled.has(ctx)) return;
  const c = cacheOf(ctx);
  // Many distinct search queries must not grow memory without bound: drop the oldest entries.
  if (c.size >= MAX_ENTRIES) {
    for (const k of [...c.keys()].slice(0, MAX_ENTRIES / 4)) c.delete(k);
  }
  c.set(key, answer);
}

export function invalidatePublic(ctx: Ctx): void {
  cacheOf(ctx).clear();
}

export function publicCacheSize(ctx: Ctx): number {
  return cacheOf(ctx).size;
}
