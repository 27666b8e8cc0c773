/**
 * The intake draft and the mapping between its step forms and the record inputs. Forms are plain
 * urlencoded posts (they work without JavaScript): list rows are named `<prefix><row>_<field>`.
 * Validation reuses the records' own zod schemas, with stand-in ids for records not yet created.
 */
import { recordInput, parseInput, type PendingEvidence } from '../../records/index.js';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import type { z } from 'zod';

export const steps = ['incident', 'victims', 'acts', 'perpetrators', 'sources', 'evidence', 'review'] as const;
export type Step = (typeof steps)[number];
export const isStep = (s: unknown): s is Step => typeof s === 'string' && (steps as readonly string[]).includes(s);

export interface ActorMatch {
  id: string;
  kind: string;
  sectors: string[];
  createdAt: string;
}
export interface VictimDraft {
  key: string;
  kind: string;
  name: string;
  sectors: string[];
  gender: string;
  groupSize: string;
  /** The existing actor chosen instead of creating a new one. */
  actorId: string | null;
  /** 'new' once the documenter said a same-named record is someone else. */
  choice: string;
  matches: ActorMatch[];
}
export interface ActDraft {
  key: string;
  victimKey: string;
  actType: string;
  startDate: string;
  startApproximate: boolean;
  victimStatus: string;
  notes: string;
}
export interface PerpetratorDraft {
  actKey: string;
  perpetratorType: string;
  degree: string;
}
export interface SourceDraft {
  sourceType: string;
  reliability: string;
  url: string;
  identity: string;
  notes: string;
}
export interface IncidentDraft {
  incident: {
    title: string;
    narrative: string;
    narrativeSensitive: boolean;
    startDate: string;
    startApproximate: boolean;
    endDate: string;
    endApproximate: boolean;
    country: string;
    subdivision: string;
    placeName: string;
    visibility: string;
  };
  victims: VictimDraft[];
  acts: ActDraft[];
  perpetrators: PerpetratorDraft[];
  sources: SourceDraft[];
  evidence: (PendingEvidence & { key: string })[];
  /** The public report this draft was started from; the saved case remembers it. */
  fromReport?: string;
  /**
   * The existing case (of the own organisation) the documenter said this is: saving adds the
   * draft's victims, acts, sources and evidence to it instead of creating a new case.
   */
  addTo?: { incidentId: string; title: string };
}

/** What the possible-duplicate check compares of a draft (issue 17 §1). */
export function duplicateProbe(draftId: string, d: IncidentDraft) {
  return {
    subject: `draft:${draftId}`,
    date: d.incident.startDate || d.acts.find((a) => a.startDate)?.startDate || null,
    subdivision: d.incident.subdivision || null,
    victimNames: d.victims.map((v) => v.name).filter((n) => n !== ''),
    actTypes: [...new Set(d.acts.map((a) => a.actType).filter((x) => x !== ''))],
  };
}

export function emptyDraft(): IncidentDraft {
  return {
    incident: { title: '', narrative: '', narrativeSensitive: false, startDate: '', startApproximate: false, endDate: '', endApproximate: false, country: 'VE', subdivision: '', placeName: '', visibility: 'private' },
    victims: [],
    acts: [],
    perpetrators: [],
    sources: [],
    evidence: [],
  };
}

export const draftTitle = (p: unknown): string => ((p as IncidentDraft | null)?.incident?.title ?? '').trim();

type Body = Record<string, unknown>;
const str = (b: Body, k: string): string => {
  const v = b[k];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
};
const bool = (b: Body, k: string): boolean => {
  const v = str(b, k);
  return v === 'on' || v === 'true' || v === '1';
};
const list = (b: Body, k: string): string[] => {
  const v = b[k];
  return (Array.isArray(v) ? v : v == null ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};
const rowCount = (b: Body): number => Math.min(50, Math.max(0, Number.parseInt(str(b, 'rows'), 10) || 0));
const randomKey = () => Math.random().toString(36).slice(2, 10);

/** Applies one step's form to the draft (no validation: a draft may be incomplete or wrong). */
export function applyStep(d: IncidentDraft, step: Step, b: Body): IncidentDraft {
  const removed = new Set(list(b, 'remove'));
  const rows = [...Array(rowCount(b)).keys()].filter((i) => !removed.has(String(i)));
  switch (step) {
    case 'incident':
      d.incident = {
        title: str(b, 'title'),
        narrative: str(b, 'narrative'),
        narrativeSensitive: bool(b, 'narrativeSensitive'),
        startDate: str(b, 'startDate'),
        startApproximate: bool(b, 'startDateApprox'),
        endDate: str(b, 'endDate'),
        endApproximate: bool(b, 'endDateApprox'),
        country: str(b, 'country').toUpperCase(),
        subdivision: str(b, 'subdivision').toUpperCase(),
        placeName: str(b, 'placeName'),
        visibility: str(b, 'visibility') || 'private',
      };
      break;
    case 'victims':
      d.victims = rows
        .map((i) => {
          const p = `v${i}_`;
          const key = str(b, `${p}key`) || randomKey();
          const old = d.victims.find((v) => v.key === key);
          const name = str(b, `${p}name`);
          const choice = str(b, `${p}use`);
          const sameName = old && old.name === name;
          return {
            key,
            kind: str(b, `${p}kind`) || 'person',
            name,
            sectors: list(b, `${p}sectors`),
            gender: str(b, `${p}gender`),
            groupSize: str(b, `${p}groupSize`),
            matches: sameName ? old.matches : [],
            choice: sameName ? choice || old.choice : '',
            actorId: sameName && choice && choice !== 'new' && old.matches.some((m) => m.id === choice) ? choice : null,
          };
        })
        .filter((v) => v.name !== '');
      break;
    case 'acts':
      d.acts = rows
        .map((i) => {
          const p = `a${i}_`;
          return {
            key: str(b, `${p}key`) || randomKey(),
            victimKey: str(b, `${p}victim`),
            actType: str(b, `${p}actType`),
            startDate: str(b, `${p}startDate`),
            startApproximate: bool(b, `${p}startDateApprox`),
            victimStatus: str(b, `${p}victimStatus`),
            notes: str(b, `${p}notes`),
          };
        })
        .filter((a) => a.actType || a.startDate || a.notes);
      break;
    case 'perpetrators':
      d.perpetrators = rows
        .map((i) => ({ actKey: str(b, `p${i}_act`), perpetratorType: str(b, `p${i}_perpetratorType`), degree: str(b, `p${i}_degree`) }))
        .filter((p) => p.perpetratorType);
      break;
    case 'sources':
      d.sources = rows
        .map((i) => ({ sourceType: str(b, `s${i}_sourceType`), reliability: str(b, `s${i}_reliability`), url: str(b, `s${i}_url`), identity: str(b, `s${i}_identity`), notes: str(b, `s${i}_notes`) }))
        .filter((s) => s.sourceType || s.url || s.identity || s.notes);
      break;
    case 'evidence': {
      const keep = new Set(list(b, 'keep'));
      if (b.rows !== undefined) d.evidence = d.evidence.filter((e) => keep.has(e.key) && !removed.has(e.key));
      break;
    }
    case 'review':
      break;
  }
  return d;
}

const none = (s: string) => (s === '' ? null : s);
const STANDIN = '00000000-0000-4000-8000-000000000000';

export const incidentInput = (d: IncidentDraft) => ({
  title: d.incident.title,
  narrative: none(d.incident.narrative),
  narrativeSensitive: d.incident.narrativeSensitive,
  startDate: none(d.incident.startDate),
  startApproximate: d.incident.startApproximate,
  endDate: none(d.incident.endDate),
  endApproximate: d.incident.endApproximate,
  country: none(d.incident.country),
  subdivision: none(d.incident.subdivision),
  placeName: none(d.incident.placeName),
  visibility: d.incident.visibility || 'private',
});
export const victimInput = (v: VictimDraft) => ({
  kind: v.kind,
  name: v.name,
  sectors: v.sectors,
  gender: none(v.gender),
  groupSize: v.groupSize ? Number(v.groupSize) : null,
});
export const actInput = (a: ActDraft, incidentId: string, victimId: string) => ({
  incidentId,
  victimId,
  actType: a.actType,
  startDate: none(a.startDate),
  startApproximate: a.startApproximate,
  victimStatus: none(a.victimStatus),
  notes: none(a.notes),
});
export const involvementInput = (p: PerpetratorDraft, actId: string) => ({ actId, perpetratorType: p.perpetratorType, degree: none(p.degree) });
export const sourceInput = (s: SourceDraft, incidentId: string) => ({
  incidentId,
  sourceType: s.sourceType,
  reliability: none(s.reliability),
  url: none(s.url),
  identity: none(s.identity),
  notes: none(s.notes),
});

function check(errors: Record<string, string>, schema: z.ZodType, data: unknown, lang: Lang, field: (path: string) => string): void {
  try {
    parseInput(schema, data, lang);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    for (const i of e.issues) {
      const id = field(String(i.path[0] ?? ''));
      errors[id] ??= i.message ?? i.key;
    }
  }
}

/** Field errors of one step, keyed by the id of the form control they belong to. */
export function validateStep(d: IncidentDraft, step: Step, lang: Lang, t: (k: string) => string): Record<string, string> {
  const e: Record<string, string> = {};
  if (step === 'incident') check(e, recordInput.incidentCreate, incidentInput(d), lang, (f) => f);
  if (step === 'victims') {
    d.victims.forEach((v, i) => {
      if (v.actorId) return;
      check(e, recordInput.actorCreate, victimInput(v), lang, (f) => `v${i}_${f}`);
      if (v.matches.length && v.choice === '') e[`v${i}_use`] ??= t('workspace:match.choose');
    });
  }
  if (step === 'acts') {
    d.acts.forEach((a, i) => {
      check(e, recordInput.actCreate, actInput(a, STANDIN, STANDIN), lang, (f) => `a${i}_${f === 'victimId' ? 'victim' : f}`);
      if (!d.victims.some((v) => v.key === a.victimKey)) e[`a${i}_victim`] ??= t('workspace:field.choose');
    });
  }
  if (step === 'perpetrators') {
    d.perpetrators.forEach((p, i) => {
      check(e, recordInput.involvementCreate, involvementInput(p, STANDIN), lang, (f) => `p${i}_${f}`);
      if (!d.acts.some((a) => a.key === p.actKey)) e[`p${i}_act`] ??= t('workspace:field.choose');
    });
  }
  if (step === 'sources') d.sources.forEach((s, i) => check(e, recordInput.sourceCreate, sourceInput(s, STANDIN), lang, (f) => `s${i}_${f}`));
  return e;
}

/** The first step with errors, checking everything before the final save. */
export function validateAll(d: IncidentDraft, lang: Lang, t: (k: string) => string): { step: Step; errors: Record<string, string> } | null {
  for (const s of steps) {
    const errors = validateStep(d, s, lang, t);
    if (s === 'incident' && !d.incident.title) errors.title ??= t('workspace:intake.missing_title');
    if (s === 'acts' && d.acts.length === 0) errors.a0_actType ??= t('workspace:intake.missing_acts');
    if (Object.keys(errors).length) return { step: s, errors };
  }
  return null;
}
