/**
 * Times on pages are shown in the organisation's time zone, with the zone named (issue 16 §1).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord } from '../records/index.js';
import { Client, startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { dateTimeLabel } from './format.js';

describe('dateTimeLabel', () => {
  it('shows the time in the given zone and names it', () => {
    // Caracas is UTC-4 all year.
    expect(dateTimeLabel('2026-12-07T18:05:00Z', 'en', 'America/Caracas')).toMatch(/7 Dec 2026, 14:05 America\/Caracas$/);
    expect(dateTimeLabel('2026-12-07T18:05:00Z', 'en')).toMatch(/7 Dec 2026, 18:05 UTC$/);
    expect(dateTimeLabel('2026-12-08T02:30:00Z', 'es', 'America/Caracas')).toMatch(/^7 dic\.? 2026, 10:30 p\. m\. America\/Caracas$/);
  });

  it('falls back to UTC, named, for a zone it does not know', () => {
    expect(dateTimeLabel('2026-12-07T18:05:00Z', 'en', 'Mars/Olympus')).toMatch(/18:05 UTC$/);
  });

  it('property: always ends with the zone it used', () => {
    const zones = ['UTC', 'America/Caracas', 'America/Bogota', 'Europe/Madrid', 'Asia/Kolkata'];
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.constantFrom(...zones), fc.constantFrom('es' as const, 'en' as const), (d, zone, lang) => {
        expect(dateTimeLabel(d.toISOString(), lang, zone).endsWith(` ${zone}`)).toBe(true);
      }),
    );
  });
});

describe.each(engines)('pages show times in the organisation time zone (%s)', (engine) => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp(engine);
  });
  afterAll(async () => s?.close());

  it('names the organisation time zone on a case page', async () => {
    const org = await makeOrg(s.t);
    await s.t.ownerDb.updateTable('organisation').set({ time_zone: 'America/Caracas' }).where('id', '=', org).execute();
    const doc = await makeUser(s.t, org, 'documenter');
    const inc = await createRecord(s.t, doc, 'incident', { title: 'Allanamiento de oficina' });
    const c = new Client(s.url, 'en');
    await c.login(doc);
    const page = await (await c.request('GET', `/incidents/${String(inc.id)}`)).text();
    expect(page).toMatch(/\d{2}:\d{2} America\/Caracas/);
    expect(page).not.toMatch(/\d{2}:\d{2} UTC/);
  });
});
