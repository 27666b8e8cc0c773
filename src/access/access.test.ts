import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, getRecord } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { verifyAudit, appendAudit } from '../store/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser, testPassword, type TestUser } from '../../test/support/factories.js';
import { totpCode } from '../../test/support/totp.js';
import { open, seal } from './crypto/aead.js';
import { exportOrganisationKeys, importOrganisationKeys, sealOrganisation } from './key-admin.js';
import { checkPassword } from './login.js';
import { passwordProblem } from './password-policy.js';
import { beginTotpEnrolment, confirmTotpEnrolment, verifySecondFactor } from './totp.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.message !== e.code ? `${e.code}:${e.message}` : e.code;
    throw e;
  }
}

describe.each(engines)('access and protection on %s', (engine) => {
  let t: TestDb;
  let org: string;
  let user: TestUser;
  const secret = randomBytes(32);

  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    org = await makeOrg(t);
    user = await makeUser(t, org, 'documenter');
  });
  afterAll(async () => t?.cleanup());

  it('detects an altered, a removed and a reordered audit entry, naming it', async () => {
    const o = await makeOrg(t);
    await t.ownerDb.transaction().execute(async (trx) => {
      for (let i = 0; i < 6; i++) await appendAudit(trx, { organisationId: o, userId: null, action: 'test.event', detail: { i } });
    });
    expect((await verifyAudit(t.ownerDb, o)).problems).toEqual([]);
    // altered
    const before = (await sql<{ detail: unknown }>`SELECT detail FROM audit_log WHERE organisation_id = ${o} AND seq = 3`.execute(t.ownerDb)).rows[0]!.detail;
    await sql`UPDATE audit_log SET detail = '{"i": 99}' WHERE organisation_id = ${o} AND seq = 3`.execute(t.ownerDb);
    expect((await verifyAudit(t.ownerDb, o)).problems).toEqual([{ organisationId: o, seq: '3', problem: 'altered' }]);
    await sql`UPDATE audit_log SET detail = ${JSON.stringify(before)}::jsonb WHERE organisation_id = ${o} AND seq = 3`.execute(t.ownerDb);
    expect((await verifyAudit(t.ownerDb, o)).problems).toEqual([]);
    // removed
    const row4 = (await sql<Record<string, unknown>>`SELECT * FROM audit_log WHERE organisation_id = ${o} AND seq = 4`.execute(t.ownerDb)).rows[0]!;
    await sql`DELETE FROM audit_log WHERE organisation_id = ${o} AND seq = 4`.execute(t.ownerDb);
    expect((await verifyAudit(t.ownerDb, o)).problems).toEqual([{ organisationId: o, seq: '5', problem: 'gap' }]);
    await t.ownerDb.insertInto('audit_log').values(Object.assign({}, row4, { detail: JSON.stringify(row4.detail) }) as never).execute();
    expect((await verifyAudit(t.ownerDb, o)).problems).toEqual([]);
    // reordered: swap the contents of entries 2 and 5 (keeping their sequence numbers)
    await sql`UPDATE audit_log a SET detail = b.detail, hash = b.hash, prev_hash = b.prev_hash
      FROM audit_log b WHERE a.organisation_id = ${o} AND b.organisation_id = ${o}
      AND ((a.seq = 2 AND b.seq = 5) OR (a.seq = 5 AND b.seq = 2))`.execute(t.ownerDb);
    const problems = (await verifyAudit(t.ownerDb, o)).problems;
    expect(problems[0]).toMatchObject({ organisationId: o, seq: '2' });
  });

  it('throttles the 11th wrong password in a minute, answers unknown accounts identically, and spares other accounts', async () => {
    const victim = await makeUser(t, org, 'viewer');
    const other = await makeUser(t, org, 'viewer');
    const client = `10.0.0.${Math.floor(Math.random() * 200)}`;
    for (let i = 0; i < 10; i++) {
      expect(await code(checkPassword(t.db, secret, { email: victim.email, password: `wrong-${i}`, client }))).toBe('unauthenticated:access:login_failed');
    }
    expect(await code(checkPassword(t.db, secret, { email: victim.email, password: testPassword, client }))).toBe('rate_limited');
    expect(await code(checkPassword(t.db, secret, { email: 'nobody@example.org', password: 'whatever-password', client: '10.9.9.9' }))).toBe('unauthenticated:access:login_failed');
    expect(await code(checkPassword(t.db, secret, { email: other.email, password: testPassword, client }))).toBe('ok');
  });

  it('stores Argon2id hashes with at least m=19456, t=2, p=1', async () => {
    const row = await t.ownerDb.selectFrom('app_user').select('password_hash').where('id', '=', user.userId).executeTakeFirstOrThrow();
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(row.password_hash);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(19456);
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
    expect(Number(m![3])).toBeGreaterThanOrEqual(1);
  });

  it('accepts a TOTP code once, consumes recovery codes, and throttles guessing', async () => {
    const u = await makeUser(t, org, 'analyst', [], { totp: false });
    const e = await beginTotpEnrolment(t.db, t.master, u.userId);
    const recovery = await confirmTotpEnrolment(t.db, t.master, u.userId, await totpCode(e.secret));
    const c = await totpCode(e.secret);
    expect(await verifySecondFactor(t.db, t.master, u.userId, c)).toBe('totp');
    expect(await code(verifySecondFactor(t.db, t.master, u.userId, c))).toBe('unauthenticated:access:totp_wrong');
    expect(await verifySecondFactor(t.db, t.master, u.userId, recovery[0]!)).toBe('recovery');
    expect(await code(verifySecondFactor(t.db, t.master, u.userId, recovery[0]!))).toBe('unauthenticated:access:totp_wrong');
    for (let i = 0; i < 3; i++) await code(verifySecondFactor(t.db, t.master, u.userId, '000000'));
    expect(await code(verifySecondFactor(t.db, t.master, u.userId, await totpCode(e.secret)))).toBe('rate_limited');
  });

  it('exports keys under a passphrase, seals the organisation (nothing decrypts), and restores from the backup', async () => {
    const o = await makeOrg(t);
    const doc = await makeUser(t, o, 'documenter');
    const actor = await createRecord(t, doc, 'actor', { kind: 'person', name: 'Persona Ficticia Sellada' });
    const backup = await exportOrganisationKeys(t.db, t.master, o, 'correct horse battery staple');
    expect(backup).not.toContain('Sellada');
    expect(await code(sealOrganisation(t.db, o, null, { backupConfirmed: false }))).toBe('invalid_state:access:seal_needs_backup');
    await sealOrganisation(t.db, o, null, { backupConfirmed: true });
    t.keys.forget(o);
    expect(await code(getRecord(t, doc, 'actor', actor.id))).toMatch(/^locked/);
    expect(await code(importOrganisationKeys(t.db, t.master, backup, 'wrong passphrase!!'))).toBe('unauthenticated:access:keys_passphrase_wrong');
    await importOrganisationKeys(t.db, t.master, backup, 'correct horse battery staple');
    t.keys.forget(o);
    expect((await getRecord(t, doc, 'actor', actor.id)).name).toBe('Persona Ficticia Sellada');
  });
});

describe('encryption primitives', () => {
  it('fails to open when any single byte of a ciphertext is flipped', () => {
    const key = randomBytes(32);
    const sealed = seal(key, Buffer.from('Nombre de testigo'), 'actor.name_enc:x');
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] = bad[i]! ^ 0x01;
      expect(() => open(key, bad, 'actor.name_enc:x')).toThrow();
    }
    expect(() => open(key, sealed, 'actor.name_enc:y')).toThrow();
    expect(open(key, sealed, 'actor.name_enc:x').toString()).toBe('Nombre de testigo');
  });

  it('never repeats a nonce under one key in 100,000 encryptions', () => {
    const key = randomBytes(32);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(seal(key, Buffer.from('x'), 'a').subarray(0, 12).toString('hex'));
    expect(seen.size).toBe(100_000);
  });
});

describe('password policy', () => {
  it('accepts 64-character passwords and refuses short, common and personal ones', () => {
    expect(passwordProblem('a'.repeat(11) + 'b')).toBeNull();
    expect(passwordProblem('x'.repeat(63) + 'y')).toBeNull();
    expect(passwordProblem('short')).toBe('password_too_short');
    expect(passwordProblem('password1234')).toBe('password_common');
    expect(passwordProblem('ana.gonzalez-2024!', ['ana.gonzalez@example.org'])).toBe('password_personal');
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 200 }), (p) => {
        const r = passwordProblem(p);
        if ([...p].length < 12) expect(r).toBe('password_too_short');
        if ([...p].length > 128) expect(r).toBe('password_too_long');
      }),
    );
  });
});
