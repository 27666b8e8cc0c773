/**
 * The sign-in throttle counts atomically (issue 19, point 8): a burst of simultaneous wrong
 * passwords for one account gets no more password evaluations than the threshold (10); the rest
 * are refused before any password is checked. All attempts carry the same instant, so the
 * doubling delay after the threshold cannot let a late one through: any excess is the race.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/access/index.js';
import { isAppError } from '../../src/shared/errors.js';
import { inTransaction, systemScope } from '../../src/store/index.js';
import { engines, openTestDb, type TestDb } from '../support/db.js';
import { makeOrg, makeUser, type TestUser } from '../support/factories.js';

describe.each(engines)('sign-in burst on %s', (engine) => {
  let t: TestDb;
  let victim: TestUser;
  const secret = randomBytes(32);

  beforeAll(async () => {
    t = await openTestDb(engine);
    victim = await makeUser(t, await makeOrg(t), 'documenter', [], { totp: false });
  }, 180_000);
  afterAll(async () => t?.cleanup());

  it('20 simultaneous wrong passwords: exactly 10 evaluated, the others rate-limited', async () => {
    const now = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        checkPassword(t.db, secret, { email: victim.email, password: `wrong-guess-${i}`, client: `10.0.0.${i}` }, now).then(
          () => 'ok',
          (e: unknown) => (isAppError(e) ? e.code : String(e)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o !== 'unauthenticated' && o !== 'rate_limited')).toEqual([]);
    expect(outcomes.filter((o) => o === 'unauthenticated')).toHaveLength(10);
    const audited = await inTransaction(t.db, systemScope([victim.organisationId]), (trx) =>
      sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_password' AND user_id = ${victim.userId}`.execute(trx),
    );
    expect(Number(audited.rows[0]!.n)).toBe(10);
    // The right password is refused as well while the account is throttled.
    await expect(checkPassword(t.db, secret, { email: victim.email, password: victim.password, client: '10.0.1.1' }, now)).rejects.toMatchObject({ code: 'rate_limited' });
  }, 120_000);

  it('a right password after a few wrong ones still signs in, and its attempt counts as a success', async () => {
    const other = await makeUser(t, victim.organisationId, 'documenter', [], { totp: false });
    await expect(checkPassword(t.db, secret, { email: other.email, password: 'nope-nope-nope', client: '10.0.2.1' })).rejects.toMatchObject({ code: 'unauthenticated' });
    const r = await checkPassword(t.db, secret, { email: other.email, password: other.password, client: '10.0.2.1' });
    expect(r.userId).toBe(other.userId);
    const rows = await sql<{ success: boolean }>`SELECT success FROM login_attempt ORDER BY at DESC LIMIT 2`.execute(t.db);
    expect(rows.rows.map((x) => x.success)).toEqual([true, true]);
  });
});
