/**
 * Edit forms for incidents and acts as field specs: how a stored value becomes a form value (always
 * a string), and a posted form becomes an update input. The same specs drive the side-by-side
 * conflict page, so merging works field by field without JavaScript.
 */
import type { VocabName } from '../../vocab/index.js';

export type FieldKind = 'text' | 'textarea' | 'date' | 'bool' | 'vocab' | 'country' | 'subdivision' | 'visibility' | 'kind' | 'number';
export interface EditField {
  name: string;
  kind: FieldKind;
  vocab?: VocabName;
  /** For dates: the field carrying the "approximate" flag. */
  approx?: string;
  /** A required code: left out of the input when empty (so the schema names it), never sent as null. */
  required?: true;
}

export const editSpecs: Record<'incident' | 'act' | 'source' | 'actor' | 'intervention' | 'incident_link', EditField[]> = {
  incident: [
    { name: 'title', kind: 'text' },
    { name: 'startDate', kind: 'date', approx: 'startApproximate' },
    { name: 'endDate', kind: 'date', approx: 'endApproximate' },
    { name: 'country', kind: 'country' },
    { name: 'subdivision', kind: 'subdivision' },
    { name: 'placeName', kind: 'text' },
    { name: 'narrative', kind: 'textarea' },
    { name: 'narrativeSensitive', kind: 'bool' },
    { name: 'status', kind: 'vocab', vocab: 'incident_status', required: true },
    { name: 'visibility', kind: 'visibility' },
  ],
  act: [
    { name: 'actType', kind: 'vocab', vocab: 'act_type', required: true },
    { name: 'startDate', kind: 'date', approx: 'startApproximate' },
    { name: 'endDate', kind: 'date', approx: 'endApproximate' },
    { name: 'placeName', kind: 'text' },
    { name: 'victimStatus', kind: 'vocab', vocab: 'victim_status' },
    { name: 'detentionType', kind: 'vocab', vocab: 'detention_type' },
    { name: 'charges', kind: 'textarea' },
    { name: 'court', kind: 'text' },
    { name: 'notes', kind: 'textarea' },
  ],
  source: [
    { name: 'sourceType', kind: 'vocab', vocab: 'source_type', required: true },
    { name: 'reliability', kind: 'vocab', vocab: 'reliability' },
    { name: 'url', kind: 'text' },
    { name: 'identity', kind: 'text' },
    { name: 'notes', kind: 'textarea' },
  ],
  intervention: [
    { name: 'interventionType', kind: 'vocab', vocab: 'intervention_type', required: true },
    { name: 'date', kind: 'date' },
    { name: 'byWhom', kind: 'text' },
    { name: 'mechanism', kind: 'vocab', vocab: 'international_mechanism' },
    { name: 'reference', kind: 'text' },
    { name: 'response', kind: 'vocab', vocab: 'intervention_response' },
    { name: 'responseDate', kind: 'date' },
    { name: 'notes', kind: 'textarea' },
  ],
  incident_link: [
    { name: 'linkType', kind: 'vocab', vocab: 'incident_link_type', required: true },
    { name: 'toIncidentId', kind: 'text' },
    { name: 'remarks', kind: 'textarea' },
  ],
  actor: [
    { name: 'name', kind: 'text' },
    { name: 'kind', kind: 'kind' },
    { name: 'gender', kind: 'vocab', vocab: 'gender' },
    { name: 'groupSize', kind: 'number' },
    { name: 'contact', kind: 'textarea' },
  ],
};

/** Every form key of a spec (dates bring their approximate flag). */
export function formKeys(spec: EditField[]): string[] {
  return spec.flatMap((f) => (f.approx ? [f.name, f.approx] : [f.name]));
}

const asString = (v: unknown): string => (v == null || v === false ? '' : v === true ? 'on' : String(v));

/** Stored (presented) record -> form values. */
export function formValues(record: Record<string, unknown>, spec: EditField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of formKeys(spec)) out[k] = asString(record[k]);
  return out;
}

/** Posted form -> form values (only the spec's keys; unchecked boxes are absent, i.e. ''). */
export function postedValues(body: Record<string, unknown>, spec: EditField[]): Record<string, string> {
  const out: Record<string, string> = {};
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  for (const f of spec) {
    out[f.name] = s(f.name);
    // The date field's box is named after the date (startDateApprox), as in the intake forms.
    if (f.approx) out[f.approx] = s(`${f.name}Approx`) || s(f.approx);
  }
  return out;
}

/** Form values -> update input for the records command. */
export function updateInput(values: Record<string, string>, spec: EditField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of spec) {
    const v = values[f.name] ?? '';
    if (f.kind === 'bool') out[f.name] = v === 'on' || v === 'true';
    else if (f.kind === 'text' && (f.name === 'title' || f.name === 'name')) out[f.name] = v;
    else if (f.kind === 'kind') out[f.name] = v || 'person';
    else if (f.kind === 'number') out[f.name] = v === '' ? null : Number(v);
    else if (f.kind === 'visibility') out[f.name] = v || 'private';
    else if (f.kind === 'vocab' && f.required) {
      if (v) out[f.name] = v;
    } else out[f.name] = v === '' ? null : v;
    if (f.approx) out[f.approx] = values[f.approx] === 'on' || values[f.approx] === 'true';
  }
  return out;
}

/**
 * Resolves a merge form: for each differing key the user picked their value, the saved one, or
 * wrote another; keys that did not differ arrive as plain fields.
 */
export function mergedValues(body: Record<string, unknown>, spec: EditField[]): Record<string, string> {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const out: Record<string, string> = {};
  for (const k of formKeys(spec)) {
    const pick = s(`${k}__pick`);
    if (pick === 'current') out[k] = s(`${k}__current`);
    else if (pick === 'edit') out[k] = s(`${k}__edit`);
    else if (pick === 'yours') out[k] = s(`${k}__yours`);
    else out[k] = s(k);
  }
  for (const f of spec) if (f.approx && !s(`${f.approx}__pick`) && !out[f.approx]) out[f.approx] = s(`${f.name}Approx`);
  return out;
}

/** Keys whose value differs between the two versions. */
export function differing(a: Record<string, string>, b: Record<string, string>, spec: EditField[]): string[] {
  return formKeys(spec).filter((k) => (a[k] ?? '') !== (b[k] ?? ''));
}
