/**
 * The public cache keeps no answer read before a change: a miss that started before an
 * invalidation (of this server, or of every server after a case or organisation change) is not
 * stored, a change made anywhere in the process clears every server's answers, and no answer is
 * kept longer than the pages' max-age (what another process changed shows by then).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../access/index.js';
import { publicContentChanged } from '../shared/public-changes.js';
import { MAX_AGE_MS, cachedAnswer, invalidatePublic, publicGeneration, setPublicCacheEnabled, storeAnswer, type CachedAnswer } from './public-cache.js';

const page = (body: string): CachedAnswer => ({ status: 200, type: 'text/html; charset=utf-8', body });
const server = () => ({}) as Ctx;

describe('public cache', () => {
  it('stores an answer read with no change since, and refuses one read before a change', () => {
    const ctx = server();
    const g = publicGeneration(ctx);
    storeAnswer(ctx, 'page:a', page('v1'), g);
    expect(cachedAnswer(ctx, 'page:a')?.body).toBe('v1');

    const before = publicGeneration(ctx);
    invalidatePublic(ctx); // a statement command committed while the miss was reading
    storeAnswer(ctx, 'page:a', page('read before the change'), before);
    expect(cachedAnswer(ctx, 'page:a')).toBeUndefined();
    storeAnswer(ctx, 'page:a', page('v2'), publicGeneration(ctx));
    expect(cachedAnswer(ctx, 'page:a')?.body).toBe('v2');
  });

  it('clears every server when public content changes elsewhere, and refuses answers read before', () => {
    const [one, two] = [server(), server()];
    storeAnswer(one, 'page:a', page('one'), publicGeneration(one));
    const readingTwo = publicGeneration(two);
    publicContentChanged();
    expect(cachedAnswer(one, 'page:a')).toBeUndefined();
    storeAnswer(two, 'page:b', page('read before'), readingTwo);
    expect(cachedAnswer(two, 'page:b')).toBeUndefined();
  });

  it('stores nothing while turned off', () => {
    const ctx = server();
    setPublicCacheEnabled(ctx, false);
    storeAnswer(ctx, 'page:a', page('x'), publicGeneration(ctx));
    expect(cachedAnswer(ctx, 'page:a')).toBeUndefined();
    setPublicCacheEnabled(ctx, true);
    storeAnswer(ctx, 'page:a', page('x'), publicGeneration(ctx));
    expect(cachedAnswer(ctx, 'page:a')?.body).toBe('x');
  });

  it('forgets an answer older than the max-age', () => {
    const ctx = server();
    let t = 1_000_000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => t);
    try {
      storeAnswer(ctx, 'page:a', page('x'), publicGeneration(ctx));
      t += MAX_AGE_MS;
      expect(cachedAnswer(ctx, 'page:a')?.body).toBe('x');
      t += 1;
      expect(cachedAnswer(ctx, 'page:a')).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });
});
