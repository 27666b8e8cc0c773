/**
 * The possible-duplicate check against the database (issue 17 §1): the organisation's own cases and
 * those shared with it, found by the date window and by the keyed blind index of the victim's name,
 * never another organisation's unshared case; answers remembered per pair and audited; the answers
 * table is behind row-level security.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../../access/index.js';
import { createRecord, shareIncident } from '../../records/index.js';
import { engines, openTestDb, type TestDb } from '../../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';
import { answerDuplicate, duplicateAnswers, findPossibleDuplicates, type DuplicateProbe } from './index.js';

describe.each(engines)('possible duplicates on %s', (engine) => {
  let t: TestDb;
  let doc: TestUser;
  let partner: TestUser;
  let outsider: TestUser;
  let azul: string;
  let partnerShared: string;
  let partnerPrivate: string;
  let outsiderCase: string;
  let jose: string;

  const probe = (p: Partial<DuplicateProbe>): DuplicateProbe => ({ subject: 'draft:test', date: null, subdivision: null, victimNames: [], actTypes: [], ...p });

  async function caseWith(u: TestUser, title: string, victim: { name: string; aliases?: string[] }, date: string, state: string, actType = 'raid') {
    const id = (await createRecord(t, u, 'incident', { title, startDate: date, country: 'VE', subdivision: state })).id;
    const v = await createRecord(t, u, 'actor', { kind: 'organisation', ...victim });
    await createRecord(t, u, 'act', { incidentId: id, victimId: v.id, actType, startDate: date });
    return id;
  }

  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    const org = await makeOrg(t);
    const orgB = await makeOrg(t);
    const orgC = await makeOrg(t);
    const coalition = (await createCoalition(t.db, { slug: `dups-${Date.now()}`, name: 'C', members: [org, orgB] })).id;
    doc = await makeUser(t, org, 'documenter', [coalition], { totp: false });
    partner = await makeUser(t, orgB, 'documenter', [coalition], { totp: false });
    outsider = await makeUser(t, orgC, 'documenter', [], { totp: false });
    azul = await caseWith(doc, 'Allanamiento de Azul Positivo', { name: 'Azul Positivo' }, '2021-01-12', 'VE-V');
    jose = await caseWith(doc, 'Detención de un defensor', { name: 'José Pérez Rodríguez', aliases: ['El Flaco Pérez'] }, '2022-03', 'VE-A', 'detention');
    // Noise: other cases in the same window and state.
    await caseWith(doc, 'Amenaza a una periodista', { name: 'Marisol Uzcátegui' }, '2021-01-20', 'VE-V', 'threat');
    partnerShared = await caseWith(partner, 'Registro de la sede de Azul Positivo', { name: 'AZUL POSITIVO' }, '2021-01-12', 'VE-V');
    await shareIncident(t, partner, { incidentId: partnerShared, coalitionId: coalition, fields: ['victim_names'] });
    partnerPrivate = await caseWith(partner, 'Caso no compartido de la aliada', { name: 'Azul Positivo' }, '2021-01-12', 'VE-V');
    outsiderCase = await caseWith(outsider, 'Caso de otra organización', { name: 'Azul Positivo' }, '2021-01-12', 'VE-V');
  }, 180_000);
  afterAll(async () => t?.cleanup());

  it('warns on the Azul Positivo re-entry with its own and the shared case, never an unshared one', async () => {
    const found = await findPossibleDuplicates(t, doc, probe({ date: '2021-01-12', subdivision: 'VE-V', victimNames: ['azul positivo'] }));
    const ids = found.map((c) => c.incidentId);
    expect(ids).toContain(azul);
    expect(ids).toContain(partnerShared);
    expect(ids).not.toContain(partnerPrivate);
    expect(ids).not.toContain(outsiderCase);
    const own = found.find((c) => c.incidentId === azul)!;
    expect(own).toMatchObject({ own: true, title: 'Allanamiento de Azul Positivo', date: '2021-01-12', subdivision: 'VE-V' });
    expect(own.levels).toMatchObject({ victim_name: 'exact', date: 'exact', place: 'exact' });
    expect(found.find((c) => c.incidentId === partnerShared)).toMatchObject({ own: false });
    // The other organisation sees none of the first one's cases, shared or not.
    const theirs = (await findPossibleDuplicates(t, outsider, probe({ date: '2021-01-12', subdivision: 'VE-V', victimNames: ['Azul Positivo'] }))).map((c) => c.incidentId);
    expect(theirs).toEqual([outsiderCase]);
  });

  it('at the incident step, warns on the same day and state without a name', async () => {
    const found = (await findPossibleDuplicates(t, doc, probe({ date: '2021-01-12', subdivision: 'VE-V' }))).map((c) => c.incidentId);
    expect(found).toContain(azul);
    expect(await findPossibleDuplicates(t, doc, probe({ date: '2021-01-12', subdivision: 'VE-Z' }))).toEqual([]);
  });

  it('finds a name through the blind index without a date, and nickname and alias variants in the window', async () => {
    const byName = (await findPossibleDuplicates(t, doc, probe({ subdivision: 'VE-V', victimNames: ['AZUL  POSITIVO'] }))).map((c) => c.incidentId);
    expect(byName).toContain(azul);
    // "Pepe" is José; the day is within the month the case was dated to.
    const nick = (await findPossibleDuplicates(t, doc, probe({ date: '2022-03-15', subdivision: 'VE-A', victimNames: ['Pepe Perez'], actTypes: ['detention'] }))).map((c) => c.incidentId);
    expect(nick).toContain(jose);
    const alias = (await findPossibleDuplicates(t, doc, probe({ date: '2022-03-15', subdivision: 'VE-A', victimNames: ['el flaco perez'] }))).map((c) => c.incidentId);
    expect(alias).toContain(jose);
    // Another person in the same window and state is not offered.
    const other = (await findPossibleDuplicates(t, doc, probe({ date: '2021-01-12', subdivision: 'VE-V', victimNames: ['Johan León Reyes'] }))).map((c) => c.incidentId);
    expect(other).not.toContain(azul);
  });

  it('remembers an answer for the pair and audits it; another subject is still asked', async () => {
    const p = probe({ subject: 'draft:remember', date: '2021-01-12', subdivision: 'VE-V', victimNames: ['Azul Positivo'] });
    const before = await findPossibleDuplicates(t, doc, p);
    const c = before.find((x) => x.incidentId === azul)!;
    await answerDuplicate(t, doc, { subject: p.subject, candidateOrganisationId: c.organisationId, candidateIncidentId: c.incidentId, answer: 'different', weight: c.weight });
    const after = (await findPossibleDuplicates(t, doc, p)).map((x) => x.incidentId);
    expect(after).not.toContain(azul);
    expect(after).toContain(partnerShared);
    expect((await findPossibleDuplicates(t, doc, { ...p, subject: 'draft:other' })).map((x) => x.incidentId)).toContain(azul);
    // Changing one's mind replaces the answer (one row per pair).
    await answerDuplicate(t, doc, { subject: p.subject, candidateOrganisationId: c.organisationId, candidateIncidentId: c.incidentId, answer: 'same', weight: c.weight });
    expect(await duplicateAnswers(t, doc, p.subject)).toEqual([{ candidateOrganisationId: c.organisationId, candidateIncidentId: azul, answer: 'same' }]);
    const audit = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'duplicate.answer' AND object_id = ${azul}`.execute(t.ownerDb);
    expect(Number(audit.rows[0]!.n)).toBe(2);
    // The partner does not see the first organisation's answers.
    expect(await duplicateAnswers(t, partner, p.subject)).toEqual([]);
  });

  it('refuses an answer about a case the documenter may not see', async () => {
    await expect(
      answerDuplicate(t, doc, { subject: 'draft:x', candidateOrganisationId: outsider.organisationId, candidateIncidentId: outsiderCase, answer: 'same', weight: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      answerDuplicate(t, doc, { subject: 'draft:x', candidateOrganisationId: partner.organisationId, candidateIncidentId: partnerPrivate, answer: 'same', weight: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
