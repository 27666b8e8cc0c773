/**
 * In-memory cache of public answers (statement pages, index, feeds, sitemap, PDFs), one per
 * running server. Every statement command calls `invalidatePublic` after its transaction, and so do
 * the changes outside the statements module that a public page shows (a cited case's title,
 * date, place or visibility; the coordinating organisation's name): see shared/public-changes.ts.
 * Publication at the embargo time invalidates too.
 *
 * Processes do not tell each other: a change made by another process on the same database (the
 * `atalaya org rename` command, a second server) reaches this one's cache only when its answers
 * expire, `MAX_AGE_MS` after they were stored — as long as browsers and proxies may keep a public
 * page anyway (`cache-control: public, max-age=60`). Changes made through this server show at once.
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

interface Kept {
  answer: CachedAnswer;
  /** performance.now() when stored. */
  at: number;
}

interface Cache {
  entries: Map<string, Kept>;
  /** The process-wide count of public content changes when this cache was last cleared. */
  seen: number;
  /** Bumped at every clear of this cache. */
  generation: number;
}

const MAX_ENTRIES = 2000;
/** How long an answer is kept at most (see above); the same as the pages' max-age. */
export const MAX_AGE_MS = 60_000;
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
  const c = cacheOf(ctx);
  const kept = c.entries.get(key);
  if (!kept) return undefined;
  if (performance.now() - kept.at > MAX_AGE_MS) {
    c.entries.delete(key);
    return undefined;
  }
  return kept.answer;
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
  c.entries.set(key, { answer, at: performance.now() });
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
