/**
 * Finding people and words (issue 17 §3): the case list's search finds a victim by full name
 * (blind index: accents and case folded) and whole words of encrypted narratives (keyed word
 * index), for the own organisation only; no partner finds another's encrypted words.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../access/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { createRecord, listIncidents, incidentFacets, recordInput, shareIncident, updateRecordCommand } from './index.js';
import { countShareable } from './sharing.js';

describe.each(engines)('case search of names and encrypted words on %s', (engine) => {
  let t: TestDb;
  let doc: TestUser;
  let partner: TestUser;
  let named: string;
  let secret: string;

  const titles = async (u: TestUser, q: string) =>
    (await listIncidents(t, u, recordInput.listQuery.parse({ q, limit: 50 }))).items.map((i) => String(i.title)).sort();

  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    const org = await makeOrg(t);
    const orgB = await makeOrg(t);
    const coalition = (await createCoalition(t.db, { slug: `search-${Date.now()}`, name: 'C', members: [org, orgB] })).id;
    doc = await makeUser(t, org, 'documenter', [coalition], { totp: false });
    partner = await makeUser(t, orgB, 'documenter', [coalition], { totp: false });
    named = (await createRecord(t, doc, 'incident', { title: 'Detención arbitraria' })).id;
    const victim = await createRecord(t, doc, 'actor', { kind: 'person', name: 'Johan León Reyes' });
    await createRecord(t, doc, 'act', { incidentId: named, victimId: victim.id, actType: 'detention' });
    secret = (await createRecord(t, doc, 'incident', { title: 'Traslado', narrative: 'Funcionarios de la DGCIM lo trasladaron a El Helicoide.', narrativeSensitive: true })).id;
    await createRecord(t, doc, 'incident', { title: 'Amenaza', narrative: 'Llamadas anónimas.', narrativeSensitive: true });
    await shareIncident(t, doc, { incidentId: secret, coalitionId: coalition, fields: ['narrative'] });
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('finds a victim by the full name, whatever the accents and case, and not by a part of it', async () => {
    expect(await titles(doc, 'Johan León Reyes')).toEqual(['Detención arbitraria']);
    expect(await titles(doc, 'JOHAN LEON REYES')).toEqual(['Detención arbitraria']);
    expect(await titles(doc, 'johan  león-reyes')).toEqual(['Detención arbitraria']);
    expect(await titles(doc, 'Johan León')).toEqual([]);
    // The facet counts and the "share every match" count agree with the list.
    const facets = await incidentFacets(t, doc, recordInput.listQuery.parse({ q: 'johan leon reyes', limit: 25 }));
    expect(facets.total).toBe(1);
    expect(await countShareable(t, doc, recordInput.listQuery.parse({ q: 'johan leon reyes', limit: 1 }))).toBe(1);
  });

  it('finds whole words of an encrypted narrative, all the words of the search, for the own organisation only', async () => {
    expect(await titles(doc, 'DGCIM')).toEqual(['Traslado']);
    expect(await titles(doc, 'dgcim helicoide')).toEqual(['Traslado']);
    expect(await titles(doc, 'DGCIM Caracas')).toEqual([]);
    expect(await titles(doc, 'DGC')).toEqual([]);
    // The partner was given the case (even its narrative field: a sensitive one is never shared),
    // and finds it by its title but never by a word of the encrypted narrative.
    expect(await titles(partner, 'Traslado')).toEqual(['Traslado']);
    expect(await titles(partner, 'DGCIM')).toEqual([]);
  });

  it('keeps the index in step with the narrative, and stores no word in clear', async () => {
    const words = await sql<{ token: Buffer }>`SELECT token FROM incident_word WHERE incident_id = ${secret}`.execute(t.ownerDb);
    expect(words.rows.length).toBe(8);
    for (const w of words.rows) expect(w.token.length).toBe(8);
    const all = Buffer.concat(words.rows.map((w) => w.token));
    for (const word of ['dgcim', 'helicoide', 'funcionarios']) expect(all.includes(Buffer.from(word))).toBe(false);
    const cur = await listIncidents(t, doc, recordInput.listQuery.parse({ q: 'DGCIM', limit: 5 }));
    await updateRecordCommand(t, doc, 'incident', secret, { version: cur.items[0]!.version, narrative: 'Lo trasladaron al SEBIN.' });
    expect(await titles(doc, 'DGCIM')).toEqual([]);
    expect(await titles(doc, 'sebin')).toEqual(['Traslado']);
    // A narrative no longer sensitive is searched as text, and leaves the keyed index.
    const v = (await listIncidents(t, doc, recordInput.listQuery.parse({ q: 'sebin', limit: 5 }))).items[0]!.version;
    await updateRecordCommand(t, doc, 'incident', secret, { version: v, narrativeSensitive: false });
    const left = await sql<{ n: string }>`SELECT count(*) AS n FROM incident_word WHERE incident_id = ${secret}`.execute(t.ownerDb);
    expect(Number(left.rows[0]!.n)).toBe(0);
    expect(await titles(doc, 'sebin')).toEqual(['Traslado']);
  });
});
