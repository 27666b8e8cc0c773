import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../access/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { createRecord, incidentFacets, listIncidents, recordInput, type Presented } from './index.js';

describe.each(engines)('case list: facets, sorts and paging on %s', (engine) => {
  let t: TestDb;
  let doc: UserActor;
  const q = (o: Record<string, unknown> = {}) => recordInput.listQuery.parse(o);

  beforeAll(async () => {
    t = await openTestDb(engine);
    const org = await makeOrg(t);
    doc = await makeUser(t, org, 'documenter');
    const journalist = await createRecord(t, doc, 'actor', { kind: 'person', name: 'Ana Pérez', sectors: ['journalists_media'] });
    const lawyer = await createRecord(t, doc, 'actor', { kind: 'person', name: 'Luis Gómez', sectors: ['lawyers'] });
    const specs = [
      { title: 'Bravo: detención en Zulia', startDate: '2021-03-04', country: 'VE', subdivision: 'VE-V', act: 'detention', victim: journalist.id, perp: 'police' },
      { title: 'Alfa: amenaza en Caracas', startDate: '2022', country: 'VE', subdivision: 'VE-A', act: 'threat', victim: lawyer.id, perp: 'military' },
      { title: 'Charlie: sin fecha', country: 'CO', act: 'threat', victim: journalist.id, perp: 'police' },
      { title: 'Delta: allanamiento', startDate: '2021-11', country: 'VE', subdivision: 'VE-V', act: 'raid', victim: lawyer.id, perp: 'police' },
    ];
    for (const s of specs) {
      const inc = await createRecord(t, doc, 'incident', { title: s.title, startDate: s.startDate ?? null, country: s.country, subdivision: s.subdivision ?? null });
      const act = await createRecord(t, doc, 'act', { incidentId: inc.id, victimId: s.victim, actType: s.act });
      await createRecord(t, doc, 'involvement', { actId: act.id, perpetratorType: s.perp });
    }
  });
  afterAll(async () => t?.cleanup());

  it('counts each facet with the other filters applied but not its own', async () => {
    const all = await incidentFacets(t, doc, q());
    expect(all.total).toBe(4);
    expect(all.facets.country).toEqual([{ value: 'VE', count: 3 }, { value: 'CO', count: 1 }]);
    expect(all.facets.actType.find((f) => f.value === 'threat')?.count).toBe(2);
    expect(all.facets.perpetratorType).toEqual([{ value: 'police', count: 3 }, { value: 'military', count: 1 }]);
    expect(all.facets.sector).toEqual([{ value: 'journalists_media', count: 2 }, { value: 'lawyers', count: 2 }]);
    expect(all.facets.year).toEqual([{ value: '2022', count: 1 }, { value: '2021', count: 2 }]);
    const ve = await incidentFacets(t, doc, q({ country: 'VE', perpetratorType: 'police' }));
    expect(ve.total).toBe(2);
    // the chosen facet keeps its other values, computed under the other filter
    expect(ve.facets.country).toEqual([{ value: 'VE', count: 2 }, { value: 'CO', count: 1 }]);
    expect(ve.facets.perpetratorType).toEqual([{ value: 'police', count: 2 }, { value: 'military', count: 1 }]);
    const list = await listIncidents(t, doc, q({ country: 'VE', perpetratorType: 'police', sector: 'lawyers' }));
    expect(list.items.map((i) => i.title)).toEqual(['Delta: allanamiento']);
    expect((await listIncidents(t, doc, q({ from: '2021-06', to: '2021' }))).items.map((i) => i.title)).toEqual(['Delta: allanamiento']);
  });

  async function walk(sort: string): Promise<string[]> {
    const seen: Presented[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = await listIncidents(t, doc, q({ sort, limit: 1, ...(cursor ? { cursor } : {}) }));
      seen.push(...p.items);
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    return seen.map((i) => String(i.title));
  }

  it('pages through every sort one at a time without gaps or repeats', async () => {
    expect(await walk('title')).toEqual(['Alfa: amenaza en Caracas', 'Bravo: detención en Zulia', 'Charlie: sin fecha', 'Delta: allanamiento']);
    expect(await walk('date')).toEqual(['Alfa: amenaza en Caracas', 'Delta: allanamiento', 'Bravo: detención en Zulia', 'Charlie: sin fecha']);
    expect(await walk('entered')).toEqual(['Delta: allanamiento', 'Charlie: sin fecha', 'Alfa: amenaza en Caracas', 'Bravo: detención en Zulia']);
  });

  it('refuses a cursor made for another sort', async () => {
    const p = await listIncidents(t, doc, q({ sort: 'title', limit: 1 }));
    await expect(listIncidents(t, doc, q({ sort: 'date', limit: 1, cursor: p.nextCursor! }))).rejects.toMatchObject({ code: 'validation' });
  });

  it('pages through cases entered in the same microsecond-precise instant (one import transaction)', async () => {
    // A cursor cut to the millisecond skipped every row of that millisecond: page 2 came back empty.
    await sql`UPDATE incident SET created_at = '2021-02-01 10:00:00.123456+00'`.execute(t.ownerDb);
    const titles = await walk('entered');
    expect(titles).toHaveLength(4);
    expect(new Set(titles).size).toBe(4);
  });
});

describe.each(engines)('case list by relevance on %s', (engine) => {
  let t: TestDb;
  let doc: UserActor;
  const q = (o: Record<string, unknown> = {}) => recordInput.listQuery.parse(o);

  beforeAll(async () => {
    t = await openTestDb(engine);
    doc = await makeUser(t, await makeOrg(t), 'documenter');
    const specs = [
      { title: 'Caso narrado', narrative: 'Se produjo la detención arbitraria de la defensora en su casa.' },
      { title: 'Detención de un periodista en Maracaibo', narrative: 'Lo llevaron a una sede policial.' },
      { title: 'Sin relación', narrative: 'Amenazas por teléfono a una abogada.' },
      { title: 'Caso repetido', narrative: 'Detención, nueva detención y otra detención de la misma defensora.' },
      { title: 'Gemelo uno', narrative: 'Una detención.' },
      { title: 'Gemelo dos', narrative: 'Una detención.' },
      { title: 'Gemelo tres', narrative: 'Una detención.' },
    ];
    for (const s of specs) await createRecord(t, doc, 'incident', { ...s, country: 'VE' });
  });
  afterAll(async () => t?.cleanup());

  async function walk(o: Record<string, unknown>, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const p = await listIncidents(t, doc, q({ ...o, limit, ...(cursor ? { cursor } : {}) }));
      seen.push(...p.items.map((x) => String(x.title)));
      if (!p.nextCursor) return seen;
      cursor = p.nextCursor;
    }
    throw new Error('paging did not end');
  }

  it('puts a match in the title before a match in the narrative and pages by rank without gaps or repeats', async () => {
    const all = await walk({ q: 'detencion', sort: 'relevance' }, 50);
    expect(all[0]).toBe('Detención de un periodista en Maracaibo');
    expect(all).not.toContain('Sin relación');
    expect(new Set(all)).toEqual(new Set(['Caso narrado', 'Detención de un periodista en Maracaibo', 'Caso repetido', 'Gemelo uno', 'Gemelo dos', 'Gemelo tres']));
    // Three mentions rank above one in a text of about the same length.
    expect(all.indexOf('Caso repetido')).toBeLessThan(all.indexOf('Caso narrado'));
    // Equal ranks (the three twins) are still paged one by one, in the same order as on one page.
    expect(await walk({ q: 'detencion', sort: 'relevance' }, 1)).toEqual(all);
    expect(await walk({ q: 'detencion', sort: 'relevance' }, 2)).toEqual(all);
  });

  it('ranks a quoted phrase and keeps every filter', async () => {
    const phrase = await walk({ q: '"detención arbitraria"', sort: 'relevance' }, 50);
    expect(phrase).toEqual(['Caso narrado']);
    expect(await walk({ q: 'detencion', sort: 'relevance', country: 'CO' }, 50)).toEqual([]);
  });

  it('without words sorts as newest entered, and refuses a cursor of another sort', async () => {
    expect(await walk({ sort: 'relevance' }, 3)).toEqual(await walk({ sort: 'entered' }, 3));
    const p = await listIncidents(t, doc, q({ q: 'detencion', sort: 'relevance', limit: 1 }));
    await expect(listIncidents(t, doc, q({ q: 'detencion', sort: 'date', limit: 1, cursor: p.nextCursor! }))).rejects.toMatchObject({ code: 'validation' });
    const forged = Buffer.from(JSON.stringify(['relevance', 'NaN', p.items[0]!.id])).toString('base64url');
    await expect(listIncidents(t, doc, q({ q: 'detencion', sort: 'relevance', limit: 1, cursor: forged }))).rejects.toMatchObject({ code: 'validation' });
  });
});
