/**
 * The flood path of the public intake, untimed (bench/intake-flood.bench.ts times it): many
 * reports at once, with photos, beyond the daily cap. Exactly the cap is accepted, every other
 * report is refused with the cap's words and nothing else (no 5xx, no stray file, no receipt),
 * the heavy steps run one at a time and only for the reports that can be accepted, and raising the
 * cap opens the door again at once.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { gpsPhoto, sendReport, startIntakeApp } from '../../test/support/intake.js';
import { setIntakeSetting } from './intake.commands.js';
import { OneAtATime, intakeHeavyWork } from './one-at-a-time.js';

describe('one at a time', () => {
  it('runs queued steps in order, never two at once, and goes on after a failure', async () => {
    const gate = new OneAtATime();
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const step = (i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 - (i % 3)));
      running--;
      order.push(i);
      if (i === 3) throw new Error('step 3 fails');
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => gate.run(step(i))));
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results[3]!.status).toBe('rejected');
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([0, 1, 2, 4, 5, 6, 7]);
    expect(gate.pending).toBe(0);
  });
});

describe.each(engines)('a flood of reports on %s', (engine) => {
  let s: TestApp;
  let orgId: string;
  let admin: TestUser;
  const tag = randomBytes(5).toString('hex');
  const slug = `inundada-${tag}`;
  const cap = 4;
  const fields = { what: `Detuvieron a un vecino FLOOD${tag} frente a la plaza.`, year: '2025', month: '3', toWhom: 'someone', subdivision: 'VE-V' };

  beforeAll(async () => {
    s = await startIntakeApp(engine, { stamps: { difficulty: 4, minSecondsWithProof: 0, minSecondsWithoutProof: 1 } });
    orgId = await makeOrg(s.t, slug);
    admin = await makeUser(s.t, orgId, 'admin', [], { totp: false });
    await setIntakeSetting(s.t, admin, true, cap);
  }, 120_000);
  afterAll(async () => s?.close());

  const counts = async () => {
    const one = async (table: string) =>
      Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE organisation_id = ${orgId}`.execute(s.t.ownerDb)).rows[0]!.n);
    return { reports: await one('intake_report'), receipts: await one('intake_receipt'), files: await one('intake_file') };
  };

  it('accepts exactly the cap and refuses the rest cleanly, photos and all', async () => {
    const photo = { name: 'foto.jpg', type: 'image/jpeg', bytes: await gpsPhoto(tag) };
    const heavy0 = intakeHeavyWork.ran;
    const sent = await Promise.all(Array.from({ length: 24 }, () => sendReport(new Client(s.url, 'es'), slug, fields, [photo], { bits: 4 })));
    const statuses = sent.map((r) => r.status);
    expect(statuses.filter((x) => x >= 500)).toEqual([]);
    expect(statuses.filter((x) => x === 200)).toHaveLength(cap);
    expect(sent.filter((r) => r.code)).toHaveLength(cap);
    const refused = sent.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(24 - cap);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.html).toContain('ya recibió hoy todas las denuncias');
    }
    // Nothing of a refused report stays behind: no report, no receipt, no file (original or copy).
    expect(await counts()).toEqual({ reports: cap, receipts: cap, files: cap });
    // The heavy work (photo copy, receipt hash) was done for the accepted reports only: the 24
    // arrive together, and those beyond the places already taken are refused before it.
    expect(intakeHeavyWork.ran - heavy0).toBe(2 * cap);

    // Later ones are refused too (from memory now), still with the cap's words.
    const late = await sendReport(new Client(s.url, 'en'), slug, fields, [photo], { bits: 4 });
    expect(late.status).toBe(429);
    expect(late.html).toContain('has received all the reports it can handle today');
  }, 120_000);

  it('opens again as soon as the cap is raised', async () => {
    await setIntakeSetting(s.t, admin, true, cap + 1);
    const again = await sendReport(new Client(s.url, 'es'), slug, fields, [], { bits: 4 });
    expect(again.status).toBe(200);
    expect(again.code).not.toBeNull();
    expect((await counts()).reports).toBe(cap + 1);
  }, 60_000);
});
