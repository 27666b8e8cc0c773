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
});
