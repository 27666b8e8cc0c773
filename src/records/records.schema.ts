/**
 * Input schemas of the documentation model (zod). Vocabulary fields accept only selectable codes
 * of their vocabulary, so an unknown code is refused and never silently created. Unknown keys are
 * refused too (`strict`), so a body cannot smuggle in organisation_id, created_by or the like.
 */
import { z } from 'zod';
import { isSelectable, type VocabName } from '../vocab/index.js';
import { isValidPartialDate } from '../shared/dates.js';
import { isCountry, isSubdivision, subdivisionCountry } from '../vocab/places.js';

export const idSchema = z.uuid({ version: 'v4' });

export function vocabCode(name: VocabName) {
  return z.string().refine((c) => isSelectable(name, c), {
    params: { key: 'records:unknown_code', values: { vocabulary: name } },
  });
}

const partialDate = z.string().refine(isValidPartialDate, { params: { key: 'records:bad_date' } });
const text = (max: number) => z.string().trim().max(max);
const country = z
  .string()
  .toUpperCase()
  .refine((c) => isCountry(c), { params: { key: 'records:bad_country' } });
const subdivision = z
  .string()
  .toUpperCase()
  .refine((c) => isSubdivision(c), { params: { key: 'records:bad_subdivision' } });

const location = {
  country: country.nullish(),
  subdivision: subdivision.nullish(),
  placeName: text(300).nullish(),
};

function locationConsistent(v: { country?: string | null; subdivision?: string | null }, ctx: z.RefinementCtx) {
  if (v.subdivision && v.country && subdivisionCountry(v.subdivision) !== v.country) {
    ctx.addIssue({ code: 'custom', path: ['subdivision'], params: { key: 'records:subdivision_not_in_country' } });
  }
}

function datesOrdered(
  v: { startDate?: string | null; endDate?: string | null },
  ctx: z.RefinementCtx,
) {
  if (v.startDate && v.endDate && isValidPartialDate(v.startDate) && isValidPartialDate(v.endDate)) {
    if (v.endDate.slice(0, v.startDate.length) < v.startDate.slice(0, v.endDate.length)) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], params: { key: 'records:end_before_start' } });
    }
  }
}

const dateRange = {
  startDate: partialDate.nullish(),
  startApproximate: z.boolean().optional(),
  endDate: partialDate.nullish(),
  endApproximate: z.boolean().optional(),
};

export const visibilitySchema = z.enum(['private', 'coalition', 'public']);

const incidentFields = z.object({
  title: text(300).min(3),
  narrative: text(100_000).nullish(),
  narrativeSensitive: z.boolean().optional(),
  ...dateRange,
  ...location,
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  status: vocabCode('incident_status').optional(),
  visibility: visibilitySchema.optional(),
  reprisal: z.boolean().optional(),
  reprisalMechanism: vocabCode('international_mechanism').nullish(),
  reprisalReference: text(200).nullish(),
  language: z.enum(['es', 'en']).optional(),
});

function reprisalConsistent(v: { reprisal?: boolean; reprisalMechanism?: string | null }, ctx: z.RefinementCtx) {
  if (v.reprisal && !v.reprisalMechanism) {
    ctx.addIssue({ code: 'custom', path: ['reprisalMechanism'], params: { key: 'records:reprisal_needs_mechanism' } });
  }
}

export const incidentCreate = incidentFields
  .strict()
  .superRefine(datesOrdered)
  .superRefine(locationConsistent)
  .superRefine(reprisalConsistent);

const change = { version: z.number().int().positive(), reason: text(1000).nullish() };

export const incidentUpdate = incidentFields.partial().extend(change).strict().superRefine(datesOrdered).superRefine(locationConsistent);

const actorFields = z.object({
  kind: z.enum(['person', 'organisation', 'group']),
  name: text(300).min(1),
  aliases: z.array(text(300).min(1)).max(50).optional(),
  contact: text(2000).nullish(),
  gender: vocabCode('gender').nullish(),
  sectors: z.array(vocabCode('defender_sector')).max(20).optional(),
  affiliationId: idSchema.nullish(),
  groupSize: z.number().int().positive().max(1_000_000).nullish(),
  consentToName: z.boolean().optional(),
});
export const actorCreate = actorFields.strict();
export const actorUpdate = actorFields.partial().extend(change).strict();

const actFields = z.object({
  incidentId: idSchema,
  victimId: idSchema,
  actType: vocabCode('act_type'),
  ...dateRange,
  ...location,
  victimStatus: vocabCode('victim_status').nullish(),
  detentionType: vocabCode('detention_type').nullish(),
  releaseDate: partialDate.nullish(),
  charges: text(2000).nullish(),
  court: text(500).nullish(),
  lawyerAccess: z.boolean().nullish(),
  notes: text(20_000).nullish(),
});
export const actCreate = actFields.strict().superRefine(datesOrdered).superRefine(locationConsistent);
export const actUpdate = actFields.omit({ incidentId: true }).partial().extend(change).strict().superRefine(datesOrdered);

const involvementFields = z.object({
  actId: idSchema,
  perpetratorId: idSchema.nullish(),
  perpetratorType: vocabCode('perpetrator_type'),
  degree: vocabCode('involvement_degree').nullish(),
  remarks: text(5000).nullish(),
});
export const involvementCreate = involvementFields.strict();
export const involvementUpdate = involvementFields.omit({ actId: true }).partial().extend(change).strict();

const sourceFields = z.object({
  incidentId: idSchema,
  actId: idSchema.nullish(),
  sourceType: vocabCode('source_type'),
  connection: vocabCode('source_connection').nullish(),
  reliability: vocabCode('reliability').nullish(),
  identity: text(2000).nullish(),
  notes: text(20_000).nullish(),
  url: z.url({ protocol: /^https?$/ }).max(2000).nullish(),
  sourceDate: partialDate.nullish(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).nullish(),
});
export const sourceCreate = sourceFields.strict();
export const sourceUpdate = sourceFields.omit({ incidentId: true }).partial().extend(change).strict();

const interventionFields = z.object({
  incidentId: idSchema,
  interventionType: vocabCode('intervention_type'),
  date: partialDate.nullish(),
  byWhom: text(300).nullish(),
  mechanism: vocabCode('international_mechanism').nullish(),
  reference: text(200).nullish(),
  response: vocabCode('intervention_response').nullish(),
  responseDate: partialDate.nullish(),
  notes: text(20_000).nullish(),
});
export const interventionCreate = interventionFields.strict();
export const interventionUpdate = interventionFields.omit({ incidentId: true }).partial().extend(change).strict();

const linkFields = z.object({
  fromIncidentId: idSchema,
  toIncidentId: idSchema,
  linkType: vocabCode('incident_link_type'),
  remarks: text(5000).nullish(),
});
export const incidentLinkCreate = linkFields.strict().refine((v) => v.fromIncidentId !== v.toIncidentId, {
  path: ['toIncidentId'],
  params: { key: 'records:link_to_itself' },
});
export const incidentLinkUpdate = linkFields.pick({ linkType: true, remarks: true }).partial().extend(change).strict();

export const archiveInput = z.object(change).strict();

export const listQuery = z
  .object({
    q: z.string().trim().max(200).optional(),
    country: z.string().toUpperCase().length(2).optional(),
    subdivision: z.string().toUpperCase().max(6).optional(),
    actType: z.string().max(60).optional(),
    perpetratorType: z.string().max(60).optional(),
    sector: z.string().max(60).optional(),
    organisation: idSchema.optional(),
    status: z.string().max(60).optional(),
    visibility: visibilitySchema.optional(),
    from: partialDate.optional(),
    to: partialDate.optional(),
    archived: z.enum(['exclude', 'include', 'only']).default('exclude'),
    sort: z.enum(['entered', 'date', 'title', 'relevance']).default('entered'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export type IncidentCreate = z.infer<typeof incidentCreate>;
export type IncidentUpdate = z.infer<typeof incidentUpdate>;
export type ActorCreate = z.infer<typeof actorCreate>;
export type ActorUpdate = z.infer<typeof actorUpdate>;
export type ActCreate = z.infer<typeof actCreate>;
export type ActUpdate = z.infer<typeof actUpdate>;
export type InvolvementCreate = z.infer<typeof involvementCreate>;
export type SourceCreate = z.infer<typeof sourceCreate>;
export type InterventionCreate = z.infer<typeof interventionCreate>;
export type IncidentLinkCreate = z.infer<typeof incidentLinkCreate>;
export type ListQuery = z.infer<typeof listQuery>;
