/** Loads the demo dataset into an empty database through the same commands users go through. */
import { randomBytes } from 'node:crypto';
import { createCoalition, createOrganisation, createUser, type Actor, type Ctx } from '../../access/index.js';
import { createRecord } from '../records.commands.js';
import { shareIncident } from '../sharing.js';
import { demoActors as baseActors, demoIncidents as baseIncidents, demoLinks } from './demo-data.js';
import { moreDemoActors, moreDemoIncidents } from './demo-more.js';

// The hand-written cases first (their keys are cited by the demo statement), then the seeded ones.
const demoActors = [...baseActors, ...moreDemoActors()];
const demoIncidents = [...baseIncidents, ...moreDemoIncidents()];

export const demoSlugs = { observatorio: 'observatorio-demo', red: 'red-solidaridad-demo', coalition: 'coalicion-venezuela-demo' } as const;

export async function isDemoLoaded(ctx: Ctx): Promise<boolean> {
  const r = await ctx.db.selectFrom('organisation').select('id').where('slug', '=', demoSlugs.observatorio).executeTakeFirst();
  return !!r;
}

export interface DemoResult {
  organisations: { observatorio: string; red: string };
  coalitionId: string;
  incidents: number;
  incidentIds: Record<string, string>;
  admin: { email: string; password: string; userId: string };
}

export async function loadDemo(ctx: Ctx, opts: { password?: string } = {}): Promise<DemoResult> {
  const observatorio = (await createOrganisation(ctx, { slug: demoSlugs.observatorio, name: 'Observatorio de Personas Defensoras (demo)', country: 'VE' })).id;
  const red = (await createOrganisation(ctx, { slug: demoSlugs.red, name: 'Red de Solidaridad (demo)', country: 'VE' })).id;
  const coalitionId = (await createCoalition(ctx.db, { slug: demoSlugs.coalition, name: 'Coalición por las personas defensoras en Venezuela (demo)', members: [observatorio, red] })).id;
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const email = 'admin@demo.atalaya.invalid';
  const admin = await createUser(ctx.db, {
    email,
    displayName: 'Administración (demo)',
    password,
    lang: 'es',
    memberships: [
      { organisationId: observatorio, role: 'admin' },
      { organisationId: red, role: 'admin' },
    ],
  });
  const orgIds = { observatorio, red };
  const actorIds: Record<string, Record<string, string>> = { observatorio: {}, red: {} };
  const incidentIds: Record<string, string> = {};
  const system = (org: string): Actor => ({ kind: 'system', organisationId: org });

  for (const inc of demoIncidents) {
    const orgId = orgIds[inc.org];
    const as = system(orgId);
    const ensureActor = async (key: string): Promise<string> => {
      const known = actorIds[inc.org]![key];
      if (known) return known;
      const a = demoActors.find((x) => x.key === key)!;
      const affiliationId = a.affiliation ? await ensureActor(a.affiliation) : null;
      const created = await createRecord(ctx, as, 'actor', {
        kind: a.kind,
        name: a.name,
        sectors: a.sectors ?? [],
        groupSize: a.groupSize ?? null,
        gender: a.gender ?? null,
        affiliationId,
      });
      actorIds[inc.org]![key] = created.id;
      return created.id;
    };
    const incident = await createRecord(ctx, as, 'incident', {
      title: inc.title,
      narrative: inc.narrative,
      language: inc.language,
      startDate: inc.startDate,
      endDate: inc.endDate ?? null,
      startApproximate: inc.startApproximate ?? false,
      country: 'VE',
      subdivision: inc.subdivision,
      placeName: inc.placeName ?? null,
      status: inc.status,
      visibility: inc.visibility,
      reprisal: !!inc.reprisalMechanism,
      reprisalMechanism: inc.reprisalMechanism ?? null,
    });
    incidentIds[inc.key] = incident.id;
    for (const act of inc.acts) {
      const victimId = await ensureActor(act.victim);
      const created = await createRecord(ctx, as, 'act', {
        incidentId: incident.id,
        victimId,
        actType: act.actType,
        startDate: act.startDate ?? null,
        endDate: act.endDate ?? null,
        country: 'VE',
        subdivision: act.subdivision ?? null,
        victimStatus: act.victimStatus ?? null,
        detentionType: act.detentionType ?? null,
        releaseDate: act.releaseDate ?? null,
        charges: act.charges ?? null,
        lawyerAccess: act.lawyerAccess ?? null,
      });
      for (const p of act.perpetrators) {
        await createRecord(ctx, as, 'involvement', { actId: created.id, perpetratorType: p.type, degree: p.degree ?? null });
      }
    }
    for (const s of inc.sources) await createRecord(ctx, as, 'source', { incidentId: incident.id, ...s });
    for (const i of inc.interventions ?? []) await createRecord(ctx, as, 'intervention', { incidentId: incident.id, ...i });
    if (inc.shareWithCoalition) {
      await shareIncident(ctx, as, { incidentId: incident.id, coalitionId, fields: inc.shareFields ?? [] });
    }
  }
  for (const l of demoLinks) {
    const from = demoIncidents.find((i) => i.key === l.from)!;
    await createRecord(ctx, system(orgIds[from.org]), 'incident_link', { fromIncidentId: incidentIds[l.from], toIncidentId: incidentIds[l.to], linkType: l.type });
  }
  return { organisations: orgIds, coalitionId, incidents: demoIncidents.length, incidentIds, admin: { email, password, userId: admin.id } };
}
