/**
 * How each input field of the model is stored: as is, as a date with precision, or encrypted.
 * Encrypted columns are bound to `<table>.<column>:<record id>` so ciphertext cannot be moved
 * between rows. One map per table serves create, update, history and presentation.
 */
import type { RecordTable } from '../store/schema.js';

export type FieldSpec =
  | { kind: 'plain'; col: string }
  | { kind: 'date'; col: string; precisionCol?: string }
  | { kind: 'enc'; col: string; json?: boolean };

export type FieldMap = Record<string, FieldSpec>;

const p = (col: string): FieldSpec => ({ kind: 'plain', col });
const d = (col: string, precisionCol?: string): FieldSpec =>
  precisionCol ? { kind: 'date', col, precisionCol } : { kind: 'date', col };
const e = (col: string, json = false): FieldSpec => ({ kind: 'enc', col, json });

const dates = {
  startDate: d('start_date', 'start_precision'),
  startApproximate: p('start_approximate'),
  endDate: d('end_date', 'end_precision'),
  endApproximate: p('end_approximate'),
};
const place = { country: p('country'), subdivision: p('subdivision'), placeName: p('place_name') };

export const fieldMaps: Record<RecordTable, FieldMap> = {
  incident: {
    title: p('title'),
    // narrative is stored plain or encrypted depending on narrativeSensitive: see records.commands.ts
    narrativeSensitive: p('narrative_sensitive'),
    ...dates,
    ...place,
    latitude: p('latitude'),
    longitude: p('longitude'),
    status: p('status'),
    visibility: p('visibility'),
    reprisal: p('reprisal'),
    reprisalMechanism: p('reprisal_mechanism'),
    reprisalReference: p('reprisal_reference'),
    language: p('language'),
  },
  actor: {
    kind: p('kind'),
    // name is encrypted and blind-indexed: see records.commands.ts
    aliases: e('aliases_enc', true),
    contact: e('contact_enc'),
    gender: p('gender'),
    sectors: p('sectors'),
    affiliationId: p('affiliation_id'),
    groupSize: p('group_size'),
    consentToName: p('consent_to_name'),
  },
  act: {
    incidentId: p('incident_id'),
    victimId: p('victim_id'),
    actType: p('act_type'),
    ...dates,
    ...place,
    victimStatus: p('victim_status'),
    detentionType: p('detention_type'),
    releaseDate: d('release_date'),
    charges: p('charges'),
    court: p('court'),
    lawyerAccess: p('lawyer_access'),
    // Free text that can name or locate a person (issue 19, point 11): encrypted like the narrative.
    notes: e('notes_enc'),
  },
  involvement: {
    actId: p('act_id'),
    perpetratorId: p('perpetrator_id'),
    perpetratorType: p('perpetrator_type'),
    degree: p('degree'),
    remarks: e('remarks_enc'),
  },
  source: {
    incidentId: p('incident_id'),
    actId: p('act_id'),
    sourceType: p('source_type'),
    connection: p('connection'),
    reliability: p('reliability'),
    identity: e('identity_enc'),
    notes: e('notes_enc'),
    url: p('url'),
    sourceDate: d('source_date'),
    language: p('language'),
  },
  evidence: {
    incidentId: p('incident_id'),
    actId: p('act_id'),
    sha256: p('sha256'),
    sizeBytes: p('size_bytes'),
    mediaType: p('media_type'),
    originalName: e('original_name_enc'),
    description: e('description_enc'),
    derivedFrom: p('derived_from'),
    derivation: p('derivation'),
  },
  intervention: {
    incidentId: p('incident_id'),
    interventionType: p('intervention_type'),
    date: d('intervention_date', 'date_precision'),
    byWhom: p('by_whom'),
    mechanism: p('mechanism'),
    reference: p('reference'),
    response: p('response'),
    responseDate: d('response_date'),
    notes: p('notes'),
  },
  incident_link: {
    fromIncidentId: p('from_incident_id'),
    toIncidentId: p('to_incident_id'),
    linkType: p('link_type'),
    remarks: p('remarks'),
  },
};

/** Parent record fields that name another record of the same organisation (checked by foreign keys). */
export const foreignKeyFields: Record<string, string> = {
  incident_id: 'incidentId',
  victim_id: 'victimId',
  act_id: 'actId',
  perpetrator_id: 'perpetratorId',
  affiliation_id: 'affiliationId',
  from_incident_id: 'fromIncidentId',
  to_incident_id: 'toIncidentId',
  derived_from: 'derivedFrom',
};
