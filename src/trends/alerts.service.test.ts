import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../shared/mail.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { checkAlerts, followTopic, listFollows, listNotifications, markNotificationsRead, unfollowTopic, unreadCount } from './alerts.service.js';
import { generateSynthetic } from './synthetic.generate.js';

describe.each(engines)('alerts (%s)', (engine) => {
  let t: TestDb;
  let org: string;
  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    org = await makeOrg(t);
  });
  afterAll(async () => t.cleanup());

  it('notifies escalation once per change month, and new incidents once, by app and one e-mail digest', async () => {
    const user = await makeUser(t, org, 'analyst');
    await followTopic(t, user, 'VE', null);
    await followTopic(t, user, 'VE', null); // following twice is one follow
    expect(await listFollows(t, user)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    await generateSynthetic({ ...t, db: t.ownerDb ?? t.db }, { organisationId: org, n: 800, seed: 3, from: '2019-01', to: '2022-12', changePoint: { period: '2021-03', ratio: 4 }, venezuelaShare: 1 });
    const mail = { smtpUrl: undefined, mailFrom: 'Atalaya <a@example.org>', dataDir: t.dataDir, publicUrl: 'https://atalaya.example' };
    const first = await checkAlerts(t, org, mail);
    expect(first.escalationNotices).toBe(1);
    expect(first.newIncidentNotices).toBe(21); // 20 named, then one "+780"
    expect(first.emailed).toBe(1);
    const items = await listNotifications(t, user);
    const esc = items.find((i) => i.kind === 'escalation')!;
    expect(esc.payload.changePeriod).toMatch(/^202[01]-\d\d$/);
    expect(String(esc.payload.sentence)).toMatch(/aument|increased/);
    expect(items.some((i) => i.payload.more === 780)).toBe(true);
    // The e-mail says how many and where, nothing from the records.
    const sent = readOutbox(t.dataDir);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toMatch(/22/);
    expect(sent[0]!.text).toContain('https://atalaya.example/notifications');
    expect(sent[0]!.text + sent[0]!.subject).not.toMatch(/Allanamiento|Detenci|arrest/i);
    const second = await checkAlerts(t, org, mail);
    expect(second).toEqual({ newIncidentNotices: 0, escalationNotices: 0, emailed: 0 });
    expect(await unreadCount(t, user)).toBe(22);
    await markNotificationsRead(t, user);
    expect(await unreadCount(t, user)).toBe(0);
    await unfollowTopic(t, user, 'VE', null);
    expect(await listFollows(t, user)).toHaveLength(0);
    expect((await listNotifications(t, user)).length).toBe(22);
  });

  it('refuses an unknown country or act type, naming the field', async () => {
    const user = await makeUser(t, org, 'analyst');
    await expect(followTopic(t, user, 'XX', 'flying')).rejects.toMatchObject({ code: 'bad_input', issues: [{ path: ['country'] }, { path: ['act_type'] }] });
  });
});
