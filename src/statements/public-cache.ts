/**
 * In-memory cache of public answers (statement pages, index, feeds, sitemap, PDFs), one per
 * running server. Every statement command calls `invalidatePublic` after its transaction, and so do
 * the changes outside the statements module that a public page shows (a cited case's title,
 * date, place or visibility; the coordinating organisation's name): see shared/public-changes.ts.
 * Publication at the embargo time invalidates too.
 *
 * A miss renders from the database and stores the answer only if no invalidation happened while it
 * read (`publicGeneration` before, `storeAnswer(..., generation)` after): otherwise a page read just
 * before a change committed could be kept after the change had cleared the cache.
 */
import type { Ctx } from '../access/index.js';
import { publicChangeCount, publicContentChanged } from '../shared/public-changes.js';

export interface CachedAnswer {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

interface Cache {
  entries: Map<string, CachedAnswer>;
  /** The process-wide count of public content changes when this cache was last cleared. */
  seen: number;
  /** Bumped at every clear of this cache. */
  generation: number;
}

const MAX_ENTRIES = 2000;
const caches = new WeakMap<object, Cache>();
const disabled = new WeakSet<object>();

/** Turns the cache off for one server (the benchmark measures both ways). */
export function setPublicCacheEnabled(ctx: Ctx, on: boolean): void {
  if (on) disabled.delete(ctx);
  else {
    disabled.add(ctx);
    invalidatePublic(ctx);
  }
}

function cacheOf(ctx: Ctx): Cache {
  let c = caches.get(ctx);
  if (!c) {
    c = { entries: new Map(), seen: publicChangeCount(), generation: 0 };
    caches.set(ctx, c);
  }
  if (c.seen !== publicChangeCount()) {
    c.entries.clear();
    c.seen = publicChangeCount();
    c.generation++;
  }
  return c;
}

export function cachedAnswer(ctx: Ctx, key: string): CachedAnswer | undefined {
  if (disabled.has(ctx)) return undefined;
  return cacheOf(ctx).entries.get(key);
}

/** Taken before a miss reads the database; pass it to `storeAnswer`. */
export function publicGeneration(ctx: Ctx): number {
  return cacheOf(ctx).generation;
}

/** Keeps `answer` unless the cache was cleared since `generation` was taken (the answer may be older than that change). */
export function storeAnswer(ctx: Ctx, key: string, answer: CachedAnswer, generation: number): void {
  if (disabled.has(ctx)) return;
  const c = cacheOf(ctx);
  if (c.generation !== generation) return;
  // Many distinct search queries must not grow memory without bound: drop the oldest entries.
  if (c.entries.size >= MAX_ENTRIES) {
    for (const k of [...c.entries.keys()].slice(0, MAX_ENTRIES / 4)) c.entries.delete(k);
  }
  c.entries.set(key, answer);
}

export function invalidatePublic(ctx: Ctx): void {
  const c = cacheOf(ctx);
  c.entries.clear();
  c.generation++;
}

/** Clears the public cache of every server in this process (see shared/public-changes.ts). */
export const invalidateEveryPublicCache = publicContentChanged;

export function publicCacheSize(ctx: Ctx): number {
  return cacheOf(ctx).entries.size;
}
