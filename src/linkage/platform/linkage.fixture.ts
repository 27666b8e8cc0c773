/**
 * Test data for linkage in the platform: three organisations in a coalition each document the same
 * detention of five people in Lara in March 2021 (different days, one only to the month), plus acts
 * that are unrelated. Used by the tests of this folder, of the routes and of the pages.
 */
import { createCoalition, createOrganisation, type Actor, type Ctx } from '../../access/index.js';
import { createRecord } from '../../records/index.js';
import { inTransaction, systemScope } from '../../store/index.js';

export interface LinkageFixture {
  orgs: [string, string, string];
  coalitionId: string;
  /** The act id of the shared detention in each organisation. */
  detentionActs: string[];
  /** Victim names used, so tests can check that unshared names never appear. */
  names: string[];
}

const unrelated: { actType: string; date: string; subdivision: string; kind: 'person' | 'organisation' | 'group'; groupSize?: number; sectors: string[]; perp: string }[][] = [
  [
    { actType: 'death_threat', date: '2020-06-02', subdivision: 'VE-A', kind: 'person', sectors: ['journalists_media'], perp: 'unknown' },
    { actType: 'raid', date: '2021-09-15', subdivision: 'VE-G', kind: 'organisation', sectors: ['ngo_organisation'], perp: 'military' },
    { actType: 'smear_campaign', date: '2022-01-20', subdivision: 'VE-M', kind: 'person', sectors: ['lawyers'], perp: 'executive_officials' },
  ],
  [
    { actType: 'travel_ban', date: '2020-11-11', subdivision: 'VE-O', kind: 'person', sectors: ['women_defenders'], perp: 'executive_officials' },
    { actType: 'physical_attack', date: '2021-07-03', subdivision: 'VE-S', kind: 'group', groupSize: 12, sectors: ['indigenous'], perp: 'armed_group' },
  ],
  [
    { actType: 'criminal_charges', date: '2022-05-09', subdivision: 'VE-X', kind: 'person', sectors: ['trade_unionists'], perp: 'judiciary' },
    { actType: 'digital_attack', date: '2020-02-27', subdivision: 'VE-F', kind: 'organisation', sectors: ['journalists_media'], perp: 'unknown' },
  ],
];

export async function loadLinkageFixture(ctx: Ctx, opts: { shareNamesFrom?: number[] } = {}): Promise<LinkageFixture> {
  const tag = Math.random().toString(36).slice(2, 8);
  const orgs = [] as unknown as [string, string, string];
  for (const n of ['Observatorio', 'Red', 'Colectivo']) orgs.push((await createOrganisation(ctx, { slug: `${n.toLowerCase()}-${tag}`, name: `${n} ${tag}`, country: 'VE' })).id);
  const coalitionId = (await createCoalition(ctx.db, { slug: `coalicion-${tag}`, name: `Coalición ${tag}`, members: orgs })).id;
  const detentionActs: string[] = [];
  const names = ['Cinco integrantes de Azul Zambrano', 'Grupo de cinco de Azul Positivo Zambrano', 'Integrantes Azul Zambrano'];
  const dates = [
    { d: '2021-03-14', p: 'day' },
    { d: '2021-03', p: 'month' },
    { d: '2021-03-15', p: 'day' },
  ];
  for (const [k, org] of orgs.entries()) {
    const as: Actor = { kind: 'system', organisationId: org };
    const share = async (incidentId: string, fields: string[] | null) =>
      inTransaction(ctx.db, systemScope([org]), (trx) =>
        trx.insertInto('record_share').values({ organisation_id: org, incident_id: incidentId, coalition_id: coalitionId, fields }).execute(),
      );
    const victim = await createRecord(ctx, as, 'actor', { kind: 'group', name: names[k]!, sectors: ['health_hiv', 'humanitarian'], groupSize: 5 });
    const incident = await createRecord(ctx, as, 'incident', {
      title: `Detención ${k + 1}`,
      startDate: dates[k]!.d,
      country: 'VE',
      subdivision: 'VE-K',
      status: 'verified',
      visibility: 'coalition',
    });
    const act = await createRecord(ctx, as, 'act', { incidentId: incident.id, victimId: victim.id, actType: 'detention', startDate: dates[k]!.d, country: 'VE', subdivision: 'VE-K' });
    await createRecord(ctx, as, 'involvement', { actId: act.id, perpetratorType: 'police' });
    detentionActs.push(act.id);
    await share(incident.id, opts.shareNamesFrom?.includes(k) ? ['victim_names'] : null);
    for (const [j, u] of unrelated[k]!.entries()) {
      const name = `Persona ficticia ${tag} ${k}-${j}`;
      names.push(name);
      const v = await createRecord(ctx, as, 'actor', { kind: u.kind, name, sectors: u.sectors, groupSize: u.groupSize ?? null });
      const inc = await createRecord(ctx, as, 'incident', { title: `Caso ${k}-${j}`, startDate: u.date, country: 'VE', subdivision: u.subdivision, status: 'verified', visibility: 'coalition' });
      const a = await createRecord(ctx, as, 'act', { incidentId: inc.id, victimId: v.id, actType: u.actType, startDate: u.date, country: 'VE', subdivision: u.subdivision });
      await createRecord(ctx, as, 'involvement', { actId: a.id, perpetratorType: u.perp });
      await share(inc.id, null);
    }
  }
  return { orgs, coalitionId, detentionActs, names };
}
