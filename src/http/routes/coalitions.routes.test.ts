/**
 * Coalitions on the web (issue 16 §3): an administrator creates one and invites organisations,
 * whose administrators accept or decline from their own workspace (nothing is shared before they
 * accept); a member names focal points and may leave (its shares end, audited); a non-member
 * organisation sees nothing of the coalition, on the pages and — as atalaya_app under row-level
 * security — in the new tables.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord } from '../../records/index.js';
import { inTransaction, systemScope } from '../../store/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function actions(s: TestApp, org: string): Promise<string[]> {
  const r = await sql<{ action: string }>`SELECT action FROM audit_log WHERE organisation_id = ${org} AND (action LIKE 'coalition.%' OR action LIKE 'record.%share') ORDER BY seq`.execute(s.t.ownerDb);
  return r.rows.map((x) => x.action);
}

describe.each(engines)('coalitions on the web on %s', (engine) => {
  let s: TestApp;
  let orgA: string, orgB: string, orgC: string, orgD: string;
  let adminA: TestUser, adminB: TestUser, docB: TestUser, adminC: TestUser, adminD: TestUser, docA: TestUser, signB: TestUser;
  const c: Record<string, Client> = {};
  let coalitionId = '';
  let caseA = '';
  let caseB = '';

  const post = (who: string, path: string, body: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) params.append(k, x);
    return c[who]!.request('POST', path, params.toString(), form);
  };
  const page = async (who: string, path: string) => {
    const r = await c[who]!.request('GET', path);
    return { status: r.status, text: await r.text() };
  };

  beforeAll(async () => {
    s = await startTestApp(engine, { ATALAYA_RATE_LIMIT_PER_MINUTE: '1000000' }, { rls: true });
    orgA = await makeOrg(s.t, `coal-a-${Date.now()}`);
    orgB = await makeOrg(s.t);
    orgC = await makeOrg(s.t);
    orgD = await makeOrg(s.t);
    adminA = await makeUser(s.t, orgA, 'admin');
    docA = await makeUser(s.t, orgA, 'documenter');
    adminB = await makeUser(s.t, orgB, 'admin');
    docB = await makeUser(s.t, orgB, 'documenter');
    signB = await makeUser(s.t, orgB, 'signatory');
    adminC = await makeUser(s.t, orgC, 'admin');
    adminD = await makeUser(s.t, orgD, 'admin');
    for (const [k, u] of Object.entries({ adminA, docA, adminB, docB, adminC, adminD })) {
      c[k] = new Client(s.url);
      await c[k]!.login(u);
    }
    caseA = (await createRecord(s.t, docA, 'incident', { title: 'Allanamiento CANARIO-A', narrative: 'RELATO-A' })).id;
    caseB = (await createRecord(s.t, docB, 'incident', { title: 'Amenaza CANARIO-B' })).id;
  }, 300_000);
  afterAll(async () => s?.close());

  it('an administrator creates a coalition; others may not', async () => {
    expect((await post('docA', '/coalitions', { name: 'No debería' })).status).toBe(403);
    const bad = await post('adminA', '/coalitions', { name: 'x' });
    expect(bad.status).toBe(422);
    // A name is one line of visible text (an override would make it read other than it is written).
    const reversed = await post('adminA', '/coalitions', { name: 'Red \u202eanidnA' });
    expect(reversed.status).toBe(422);
    expect(await reversed.text()).toContain('una sola línea');
    const r = await post('adminA', '/coalitions', { name: 'Red Andina de Defensoras', description: 'Coordinación regional' });
    expect(r.status).toBe(303);
    coalitionId = /\/coalitions\/([0-9a-f-]{36})/.exec(r.headers.get('location') ?? '')![1]!;
    const p = await page('adminA', `/coalitions/${coalitionId}`);
    expect(p.text).toContain('Red Andina de Defensoras');
    expect(p.text).toContain('Qué ve cada organización de un caso compartido');
  });

  it('invites organisations; nothing is shared with them until they accept', async () => {
    expect((await post('adminA', `/coalitions/${coalitionId}/invite`, { organisationId: orgB })).status).toBe(303);
    expect((await post('adminA', `/coalitions/${coalitionId}/invite`, { organisationId: orgC })).status).toBe(303);
    const again = await post('adminA', `/coalitions/${coalitionId}/invite`, { organisationId: orgB });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('ya tiene una invitación pendiente');
    // A shares a case with the coalition; B (invited, not a member) does not see it.
    expect((await post('docA', `/incidents/${caseA}/sharing`, { coalition: coalitionId })).status).toBe(303);
    expect((await page('docB', `/incidents/${caseA}`)).status).toBe(404);
    // B's administrator sees the invitation and who is in the coalition; its documenter cannot answer.
    const list = await page('adminB', '/coalitions');
    expect(list.text).toContain('Red Andina de Defensoras');
    const invId = /\/coalitions\/invitations\/([0-9a-f-]{36})/.exec(list.text)![1]!;
    const inviteePage = await page('adminB', `/coalitions/${coalitionId}`);
    expect(inviteePage.status).toBe(200);
    expect(inviteePage.text).toContain('Hasta que acepte, no ve ni comparte nada');
    expect((await post('docB', `/coalitions/invitations/${invId}`, { answer: 'accept' })).status).toBe(403);
    // B's signatory (a focal point) is told in /notifications.
    const n = await sql<{ kind: string; user_id: string }>`SELECT kind, user_id FROM invitation_notice WHERE organisation_id = ${orgB}`.execute(s.t.ownerDb);
    expect(n.rows).toEqual([{ kind: 'coalition_invitation', user_id: signB.userId }]);
    const focal = new Client(s.url);
    await focal.login(signB);
    const notices = await (await focal.request('GET', '/notifications')).text();
    expect(notices).toMatch(/invita a su organización a unirse a la coalición «Red Andina de Defensoras»/);
    expect(notices).toContain(`/coalitions/${coalitionId}`);
    const accept = await post('adminB', `/coalitions/invitations/${invId}`, { answer: 'accept' });
    expect(accept.status).toBe(303);
    expect(accept.headers.get('location')).toBe(`/coalitions/${coalitionId}?done=joined`);
    const shared = await page('docB', `/incidents/${caseA}`);
    expect(shared.status).toBe(200);
    expect(shared.text).toContain('CANARIO-A');
    expect(shared.text).not.toContain('RELATO-A');
    // C declines: it is not a member and sees nothing.
    const cInv = /\/coalitions\/invitations\/([0-9a-f-]{36})/.exec((await page('adminC', '/coalitions')).text)![1]!;
    expect((await post('adminC', `/coalitions/invitations/${cInv}`, { answer: 'decline' })).status).toBe(303);
    expect((await page('adminC', `/coalitions/${coalitionId}`)).status).toBe(404);
    expect((await post('adminC', `/coalitions/invitations/${cInv}`, { answer: 'accept' })).status).toBe(409);
  });

  it('says who is in it and what each sees; members name focal points', async () => {
    const fp = await post('adminB', `/coalitions/${coalitionId}/focal-points`, { userIds: [signB.userId] });
    expect(fp.status).toBe(303);
    const foreign = await post('adminB', `/coalitions/${coalitionId}/focal-points`, { userIds: [docA.userId] });
    expect(foreign.status).toBe(422);
    const p = await page('docB', `/coalitions/${coalitionId}`);
    expect(p.text).toContain(`Organisation coal-a-`);
    expect(p.text).toContain('Puntos focales: Test user');
    expect(p.text).toContain('Comparte 1 casos con esta coalición.');
    expect(p.text).toMatch(/No ve, salvo que la organización que comparte lo añada/);
    const en = await (await c.docB!.request('GET', `/coalitions/${coalitionId}?lang=en`)).text();
    expect(en).toContain('What each organisation sees of a shared case');
  });

  it('a non-member organisation sees nothing of the coalition', async () => {
    expect((await page('adminD', `/coalitions/${coalitionId}`)).status).toBe(404);
    expect((await page('adminD', '/coalitions')).text).not.toContain('Red Andina');
    expect((await post('adminD', `/coalitions/${coalitionId}/invite`, { organisationId: orgD })).status).toBe(404);
    expect((await post('adminD', `/coalitions/${coalitionId}/focal-points`, { userIds: [] })).status).toBe(404);
    expect((await post('adminD', `/coalitions/${coalitionId}/leave`, { confirm: 'yes' })).status).toBe(404);
    expect((await page('adminD', `/incidents/${caseA}`)).status).toBe(404);
    expect((await page('adminD', '/coalitions/not-a-uuid')).status).toBe(404);
    // The second wall: as atalaya_app with D's scope (or none), the new tables give nothing.
    for (const scope of [systemScope([orgD]), systemScope([])]) {
      const counts = await inTransaction(s.t.db, scope, async (trx) => {
        const inv = await sql<{ n: string }>`SELECT count(*) AS n FROM coalition_invitation`.execute(trx);
        const fps = await sql<{ n: string }>`SELECT count(*) AS n FROM coalition_focal_point`.execute(trx);
        const notices = await sql<{ n: string }>`SELECT count(*) AS n FROM invitation_notice`.execute(trx);
        // The coalition's own row too (migration 083): its name alone says who works with whom.
        const named = await sql<{ n: string }>`SELECT count(*) AS n FROM coalition WHERE id = ${coalitionId}`.execute(trx);
        return [Number(inv.rows[0]!.n), Number(fps.rows[0]!.n), Number(notices.rows[0]!.n), Number(named.rows[0]!.n)];
      });
      if (engine === 'postgres') expect(counts).toEqual([0, 0, 0, 0]);
    }
    // A member's scope does see it (the wall is not simply closed).
    const seen = await inTransaction(s.t.db, systemScope([orgA]), (trx) => sql<{ n: string }>`SELECT count(*) AS n FROM coalition WHERE id = ${coalitionId}`.execute(trx));
    expect(Number(seen.rows[0]!.n)).toBe(1);
  });

  it('leaving ends its shares (audited) and what it saw of the others', async () => {
    expect((await post('docB', `/incidents/${caseB}/sharing`, { coalition: coalitionId })).status).toBe(303);
    expect((await page('docA', `/incidents/${caseB}`)).status).toBe(200);
    // Without the confirmation page's answer nothing happens.
    const noConfirm = await post('adminB', `/coalitions/${coalitionId}/leave`, {});
    expect(noConfirm.headers.get('location')).toBe(`/coalitions/${coalitionId}/leave`);
    const confirm = await page('adminB', `/coalitions/${coalitionId}/leave`);
    expect(confirm.text).toContain('Su organización comparte 1 casos con esta coalición');
    const r = await post('adminB', `/coalitions/${coalitionId}/leave`, { confirm: 'yes' });
    expect(r.headers.get('location')).toBe('/coalitions?done=left&n=1');
    expect((await page('docA', `/incidents/${caseB}`)).status).toBe(404);
    expect((await page('docB', `/incidents/${caseA}`)).status).toBe(404);
    const vis = await sql<{ visibility: string }>`SELECT visibility FROM incident WHERE organisation_id = ${orgB} AND id = ${caseB}`.execute(s.t.ownerDb);
    expect(vis.rows[0]!.visibility).toBe('private');
    expect((await page('adminB', `/coalitions/${coalitionId}`)).status).toBe(404);
  });

  it('writes every step to the audit chains of the organisations concerned', async () => {
    expect(await actions(s, orgA)).toEqual(['coalition.create', 'coalition.invite', 'coalition.invite', 'record.share', 'coalition.invitation_accepted', 'coalition.invitation_declined']);
    expect(await actions(s, orgB)).toEqual(['coalition.invited', 'coalition.join', 'coalition.focal_points', 'record.share', 'record.unshare', 'coalition.leave']);
    expect(await actions(s, orgC)).toEqual(['coalition.invited', 'coalition.decline']);
    expect(await actions(s, orgD)).toEqual([]);
  });

  it('a coalition named like one the organisation cannot see gets its own address', async () => {
    // D cannot see "Red Andina" (above), yet slugs are unique across the installation.
    const r = await post('adminD', '/coalitions', { name: 'Red Andina de Defensoras' });
    expect(r.status).toBe(303);
    const mine = await inTransaction(s.t.db, systemScope([orgD]), (trx) =>
      sql<{ slug: string }>`SELECT c.slug FROM coalition c JOIN coalition_member m ON m.coalition_id = c.id WHERE m.organisation_id = ${orgD}`.execute(trx));
    const theirs = await sql<{ slug: string }>`SELECT slug FROM coalition WHERE id = ${coalitionId}`.execute(s.t.ownerDb);
    expect(mine.rows).toHaveLength(1);
    expect(mine.rows[0]!.slug).not.toBe(theirs.rows[0]!.slug);
  });
});
