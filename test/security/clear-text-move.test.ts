/**
 * Issue 19, point 11: act notes, perpetrator remarks and evidence descriptions written before
 * migration 073 sat in clear, in the live row and in every history version. The start-up move
 * encrypts them (live and history) with the organisation's data key and empties the clear copies;
 * the user still reads the same text, the history still shows each version, and a second run
 * finds nothing to do.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveClearText } from '../../src/access/clear-text-move.js';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';

describe.each(engines)('moving clear text into encrypted columns on %s', (engine) => {
  let s: TestApp;
  let c: Client;
  beforeAll(async () => {
    s = await startTestApp(engine);
    const org = await makeOrg(s.t);
    c = new Client(s.url, 'en');
    await c.login(await makeUser(s.t, org, 'documenter'));
  }, 60_000);
  afterAll(async () => s?.close());

  it('encrypts what an older version left in clear, live and in history, and keeps it readable', async () => {
    const inc = await c.json<{ id: string }>('POST', '/api/incidents', { title: 'Caso antiguo' });
    const victim = await c.json<{ id: string }>('POST', '/api/actors', { kind: 'person', name: 'Persona Antigua' });
    const act = await c.json<{ id: string; version: number }>('POST', '/api/acts', { incidentId: inc.body.id, victimId: victim.body.id, actType: 'detention' });
    await c.json('PATCH', `/api/acts/${act.body.id}`, { version: act.body.version, charges: 'ninguno' });
    const inv = await c.json<{ id: string }>('POST', '/api/involvements', { actId: act.body.id, perpetratorType: 'police' });
    expect((await c.json('PATCH', `/api/involvements/${inv.body.id}`, { version: 1, perpetratorType: 'military' })).status).toBe(200);
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append('file', new Blob(['Testimonio\n'], { type: 'text/plain' }), 't.txt');
    const up = await fetch(`${s.url}/incidents/${inc.body.id}/evidence`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    const evidenceId = up.headers.get('location')!.split('/')[2]!.split('?')[0]!;

    // What a database written before migration 073 holds once migration 081 ran: clear text in the
    // row and in the superseded versions of its history (a history row holds the version before it).
    // As the owner, like the start-up move (the application role may not rewrite history).
    const db = s.t.ownerDb;
    await sql`UPDATE act SET notes = 'CLEARNOTE visto en la esquina de Bolívar' WHERE id = ${act.body.id}`.execute(db);
    await sql`UPDATE involvement SET remarks = 'CLEARREMARK el sargento Pérez' WHERE id = ${inv.body.id}`.execute(db);
    await sql`UPDATE evidence SET description = 'CLEARDESC foto de María' WHERE id = ${evidenceId}`.execute(db);
    await sql`UPDATE record_history SET row_data = row_data || jsonb_build_object('notes', 'CLEARNOTE v' || (version - 1)::text) WHERE record_id = ${act.body.id}`.execute(db);
    await sql`UPDATE record_history SET row_data = row_data || '{"remarks": "CLEARREMARK el sargento Pérez"}'::jsonb WHERE record_id = ${inv.body.id}`.execute(db);
    await sql`UPDATE record_history SET row_data = row_data || '{"description": "CLEARDESC foto de María"}'::jsonb WHERE record_id = ${evidenceId}`.execute(db);
    const clearLeft = async () =>
      Number(
        (
          await sql<{ n: string }>`SELECT (SELECT count(*) FROM act WHERE notes IS NOT NULL) + (SELECT count(*) FROM involvement WHERE remarks IS NOT NULL)
            + (SELECT count(*) FROM evidence WHERE description IS NOT NULL)
            + (SELECT count(*) FROM record_history WHERE row_data::text ~ 'CLEAR(NOTE|REMARK|DESC)') AS n`.execute(db)
        ).rows[0]!.n,
      );
    // 3 live rows, the act's and the involvement's first versions (the evidence was never changed).
    expect(await clearLeft()).toBe(5);

    expect(await moveClearText(db, s.t.keys)).toBe(5);
    expect(await clearLeft()).toBe(0);
    expect(await moveClearText(db, s.t.keys)).toBe(0);

    expect((await c.json<{ notes: string }>('GET', `/api/acts/${act.body.id}`)).body.notes).toBe('CLEARNOTE visto en la esquina de Bolívar');
    expect((await c.json<{ remarks: string }>('GET', `/api/involvements/${inv.body.id}`)).body.remarks).toBe('CLEARREMARK el sargento Pérez');
    expect(await (await c.request('GET', `/evidence/${evidenceId}`)).text()).toContain('CLEARDESC foto de María');
    // Each history version decrypts to what it held.
    const h = await c.json<{ items: { changes: { field: string; after: unknown }[] }[] }>('GET', `/api/acts/${act.body.id}/history`);
    expect(h.body.items.map((e) => e.changes.find((x) => x.field === 'notes')?.after ?? null)).toEqual(['CLEARNOTE v1', 'CLEARNOTE visto en la esquina de Bolívar']);
  }, 60_000);
});
