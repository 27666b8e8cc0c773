/**
 * Issue 19, point 12 — recovery-code throttling: a burst of simultaneous second-factor guesses
 * (recovery codes or TOTP codes) for one account is counted atomically like passwords, so no more
 * than 5 are evaluated in 15 minutes; and one recovery code used twice at once lets in only one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginTotpEnrolment, confirmTotpEnrolment, verifySecondFactor } from '../../src/access/index.js';
import { isAppError } from '../../src/shared/errors.js';
import { engines, openTestDb, type TestDb } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';
import { totpCode } from '../support/totp.js';

const outcome = (p: Promise<unknown>) => p.then((r) => String(r), (e: unknown) => (isAppError(e) ? `${e.code}` : String(e)));

describe.each(engines)('second-factor guessing on %s', (engine) => {
  let t: TestDb;
  let org: string;
  beforeAll(async () => {
    t = await openTestDb(engine);
    org = await makeOrg(t);
  }, 60_000);
  afterAll(async () => t?.cleanup());

  async function enrolled(): Promise<{ userId: string; recovery: string[] }> {
    const u = await makeUser(t, org, 'analyst', [], { totp: false });
    const e = await beginTotpEnrolment(t.db, t.master, u.userId);
    return { userId: u.userId, recovery: await confirmTotpEnrolment(t.db, t.master, u.userId, await totpCode(e.secret)) };
  }

  it('30 simultaneous wrong recovery codes: at most 5 evaluated, the rest refused before checking; the real code is then refused too', async () => {
    const u = await enrolled();
    const guesses = Array.from({ length: 30 }, (_, i) => `${(10_000 + i).toString(16).padStart(5, '0')}-00000`);
    const r = await Promise.all(guesses.map((g) => outcome(verifySecondFactor(t.db, t.master, u.userId, g))));
    expect(r.filter((x) => x !== 'unauthenticated' && x !== 'rate_limited')).toEqual([]);
    expect(r.filter((x) => x === 'unauthenticated').length).toBeLessThanOrEqual(5);
    expect(r.filter((x) => x === 'rate_limited').length).toBeGreaterThanOrEqual(25);
    expect(await outcome(verifySecondFactor(t.db, t.master, u.userId, u.recovery[0]!))).toBe('rate_limited');
  });

  it('one recovery code sent 10 times at once is accepted exactly once', async () => {
    const u = await enrolled();
    const r = await Promise.all(Array.from({ length: 10 }, () => outcome(verifySecondFactor(t.db, t.master, u.userId, u.recovery[1]!))));
    expect(r.filter((x) => x === 'recovery')).toHaveLength(1);
    expect(r.filter((x) => x !== 'recovery' && x !== 'unauthenticated' && x !== 'rate_limited')).toEqual([]);
    // The other codes still work.
    expect(await outcome(verifySecondFactor(t.db, t.master, u.userId, u.recovery[2]!))).toBe('recovery');
  });
});
