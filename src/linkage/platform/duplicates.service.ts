/**
 * "Possible duplicate" while documenting (issue 17 §1), database side. Candidates are the cases the
 * documenter may read (the own organisation's, and those shared with the user's coalitions, under
 * the same read scope and row-level security as every query): blocked by the date window (a week
 * either side of the interval the probe's date covers at its precision) in the same or a
 * neighbouring state and, for the own
 * organisation, by the keyed blind index of the victim's name (accent and case variants of the
 * name, and the form without particles and with nicknames expanded). Each is then scored by the
 * linkage engine's comparisons (../duplicates.score.ts). A partner's victim name enters only where
 * the owner shared `victim_names`, exactly as in a linkage run; otherwise it weighs nothing.
 *
 * What a candidate shows is what the documenter may already see of that case: its title, date and
 * state (never a partner's withheld name; the name agreement is said only as a level).
 */
import { sql } from 'kysely';
import { actorOrganisation, actorUserId, authorize, readScope, writeScope, type Actor, type Ctx } from '../../access/index.js';
import { AppError } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { appendAudit, inTransaction, type DB } from '../../store/index.js';
import { nameTokens, parsePartialDate, VE_NEIGHBOURS, duplicateWarnProbability, scoreDuplicates, type DuplicateFields } from '../index.js';
import { relatedActTypeGroups } from './default-config.js';

/** What is being entered: the case's date and state, its victims' names, its acts' types. */
export interface DuplicateProbe {
  /** "draft:<id>" or "import:<job>:<line>": the answers are remembered per subject. */
  subject: string;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  date: string | null;
  subdivision: string | null;
  victimNames: string[];
  actTypes: string[];
}

export interface DuplicateCandidate {
  organisationId: string;
  incidentId: string;
  own: boolean;
  title: string;
  /** The case's date at its precision (YYYY, YYYY-MM, YYYY-MM-DD), or null. */
  date: string | null;
  subdivision: string | null;
  weight: number;
  probability: number;
  /** Levels of the best-scoring pair (victim_name, date, place, act_type). */
  levels: Record<string, string>;
}

export interface DuplicateAnswerInput {
  subject: string;
  candidateOrganisationId: string;
  candidateIncidentId: string;
  answer: 'same' | 'different';
  weight: number;
}

/**
 * The date window of the blocking, either side of the interval the probe's date covers. A week: a
 * candidate further away needs an (almost) equal name to reach the warning (the "within 60 days"
 * level weighs -3.9), and an equal name is found through the blind index whatever the date. Sixty
 * days doubled the check's cost at 10,000 cases for no gain in the measured recall.
 */
const windowDays = 7;
const maxCandidates = 400;
const maxShown = 5;

function dateText(date: unknown, precision: string | null): string | null {
  if (date == null) return null;
  const d = date instanceof Date ? date.toISOString().slice(0, 10) : String(date).slice(0, 10);
  if (precision === 'year') return d.slice(0, 4);
  if (precision === 'month') return d.slice(0, 7);
  return d;
}

const isoDay = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);

interface CandidateRow {
  organisation_id: string;
  incident_id: string;
  title: string;
  inc_date: string | null;
  inc_precision: string | null;
  inc_subdivision: string | null;
  act_type: string | null;
  act_date: string | null;
  act_precision: string | null;
  act_subdivision: string | null;
  victim_id: string | null;
  name_enc: Buffer | null;
  aliases_enc: Buffer | null;
  names_shared: boolean;
}

/** The blind-index forms of a name worth looking up: as typed, and without particles, nicknames expanded. */
function nameVariants(name: string): string[] {
  const out = new Set([name.trim()]);
  const tokens = nameTokens(name);
  if (tokens.length) out.add(tokens.join(' '));
  return [...out].filter((n) => n !== '');
}

/** Candidate rows (one per act of each candidate case; a case without acts gives one row). */
async function candidateRows(ctx: Ctx, trx: DB, actor: Actor, probe: DuplicateProbe): Promise<CandidateRow[]> {
  const scope = readScope(actor);
  const own = scope.organisationIds as string[];
  const coalitions = scope.coalitionIds as string[];
  const d = probe.date ? parsePartialDate(probe.date) : undefined;
  const lo = d ? isoDay(d.start - windowDays) : null;
  const hi = d ? isoDay(d.end + windowDays) : null;
  const bidx: Buffer[] = [];
  for (const org of own) for (const n of probe.victimNames) for (const v of nameVariants(n)) bidx.push(await ctx.keys.blindIndex(trx, org, v));
  if (!lo && bidx.length === 0) return [];
  // Near in place: the same or a neighbouring state, or a case whose state is not known. A case in
  // a distant state is reached only through its victim's name.
  const near = probe.subdivision ? [probe.subdivision, ...(VE_NEIGHBOURS[probe.subdivision] ?? [])] : null;
  const placeNear = near ? sql`(i.subdivision IS NULL OR i.subdivision = ANY(${near}::text[]))` : sql`true`;
  // A case's date is the first day of the interval its precision covers: one range of the
  // (organisation, start date) index from the start of the year, then each precision's own bound.
  const dateNear = sql`i.start_date BETWEEN date_trunc('year', ${lo}::date)::date AND ${hi}::date
    AND (i.start_date >= ${lo}::date OR (i.start_precision = 'month' AND i.start_date >= date_trunc('month', ${lo}::date)::date)
      OR i.start_precision = 'year')`;
  const cols = sql`i.organisation_id, i.id, i.title, i.start_date, i.start_precision, i.subdivision`;
  // Each way in is its own branch, so that each can use its index (an OR of them made the planner
  // scan every incident): own cases by date, partners' shared cases by date, own cases by name.
  const branches = [];
  if (lo) {
    branches.push(sql`SELECT ${cols}, false AS by_name FROM incident i
      WHERE i.organisation_id = ANY(${own}::uuid[]) AND i.archived_at IS NULL AND ${dateNear} AND ${placeNear}`);
    if (coalitions.length) {
      branches.push(sql`SELECT DISTINCT ${cols}, false AS by_name FROM record_share s
        JOIN incident i ON i.organisation_id = s.organisation_id AND i.id = s.incident_id
        WHERE s.coalition_id = ANY(${coalitions}::uuid[]) AND NOT (s.organisation_id = ANY(${own}::uuid[]))
          AND i.visibility <> 'private' AND i.archived_at IS NULL AND ${dateNear} AND ${placeNear}`);
    }
  }
  if (bidx.length) {
    // Own organisations only: the blind index is keyed per organisation.
    branches.push(sql`SELECT DISTINCT ${cols}, true AS by_name FROM actor v
      JOIN act a ON a.organisation_id = v.organisation_id AND a.victim_id = v.id AND a.archived_at IS NULL
      JOIN incident i ON i.organisation_id = a.organisation_id AND i.id = a.incident_id AND i.archived_at IS NULL
      WHERE v.organisation_id = ANY(${own}::uuid[]) AND v.name_bidx = ANY(${bidx}::bytea[]) AND v.archived_at IS NULL`);
  }
  const namesShared = coalitions.length
    ? sql`(c.organisation_id = ANY(${own}::uuid[]) OR EXISTS (SELECT 1 FROM record_share s
          WHERE s.organisation_id = c.organisation_id AND s.incident_id = c.id
            AND s.coalition_id = ANY(${coalitions}::uuid[]) AND 'victim_names' = ANY(coalesce(s.fields, '{}'::text[]))))`
    : sql`c.organisation_id = ANY(${own}::uuid[])`;
  const q = sql<CandidateRow>`
    WITH c AS (
      SELECT organisation_id, id, title, start_date, start_precision, subdivision, bool_or(by_name) AS by_name
      FROM (${sql.join(branches, sql` UNION ALL `)}) u
      GROUP BY organisation_id, id, title, start_date, start_precision, subdivision
      -- Same-named victims first: a busy month must not push them past the limit.
      ORDER BY bool_or(by_name) DESC, start_date DESC NULLS LAST
      LIMIT ${maxCandidates})
    SELECT c.organisation_id, c.id AS incident_id, c.title, c.start_date::text AS inc_date, c.start_precision AS inc_precision,
      c.subdivision AS inc_subdivision, a.act_type, a.start_date::text AS act_date, a.start_precision AS act_precision,
      a.subdivision AS act_subdivision, a.victim_id, a.name_enc, a.aliases_enc, ${namesShared} AS names_shared
    FROM c
    LEFT JOIN LATERAL (SELECT a.act_type, a.start_date, a.start_precision, a.subdivision, v.id AS victim_id, v.name_enc, v.aliases_enc
      FROM act a JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
      WHERE a.organisation_id = c.organisation_id AND a.incident_id = c.id AND a.archived_at IS NULL) a ON true`;
  return (await q.execute(trx)).rows;
}

/** Subjects' answered pairs, so that a pair answered once is not asked again. */
async function answeredPairs(trx: DB, organisationId: string, subject: string): Promise<Set<string>> {
  const r = await sql<{ candidate_organisation_id: string; candidate_incident_id: string }>`
    SELECT candidate_organisation_id, candidate_incident_id FROM duplicate_answer
    WHERE organisation_id = ${organisationId} AND subject = ${subject}`.execute(trx);
  return new Set(r.rows.map((x) => `${x.candidate_organisation_id}/${x.candidate_incident_id}`));
}

/**
 * The likely duplicates of a probe, best first (at most five), without the pairs already answered
 * for this subject. `exclude` leaves out a case (the one a draft is being added to).
 */
export async function findPossibleDuplicates(ctx: Ctx, actor: Actor, probe: DuplicateProbe, exclude: string[] = []): Promise<DuplicateCandidate[]> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  const org = actorOrganisation(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const rows = await candidateRows(ctx, trx, actor, probe);
    if (rows.length === 0) return [];
    const answered = await answeredPairs(trx, org, probe.subject);
    const records: DuplicateFields[] = [];
    const owner: CandidateRow[] = [];
    for (const row of rows) {
      const key = `${row.organisation_id}/${row.incident_id}`;
      if (answered.has(key) || exclude.includes(row.incident_id)) continue;
      const base: DuplicateFields = {
        date: dateText(row.act_date, row.act_precision) ?? dateText(row.inc_date, row.inc_precision),
        subdivision: row.act_subdivision ?? row.inc_subdivision,
        act_type: row.act_type,
      };
      const names: string[] = [];
      if (row.names_shared && row.name_enc && row.victim_id) {
        names.push(await ctx.keys.decrypt(trx, row.organisation_id, `actor.name_enc:${row.victim_id}`, row.name_enc));
        if (row.aliases_enc) {
          const aliases = JSON.parse(await ctx.keys.decrypt(trx, row.organisation_id, `actor.aliases_enc:${row.victim_id}`, row.aliases_enc)) as unknown;
          if (Array.isArray(aliases)) for (const a of aliases) if (typeof a === 'string' && a.trim()) names.push(a);
        }
      }
      // One record per name the victim is known by: the best of them counts.
      for (const n of names.length ? names : [null]) {
        records.push({ ...base, victim_name: n });
        owner.push(row);
      }
    }
    return bestPerCase(probe, records, owner, scope.organisationIds);
  });
}

function bestPerCase(probe: DuplicateProbe, records: DuplicateFields[], owner: CandidateRow[], own: readonly string[]): DuplicateCandidate[] {
  const related = relatedActTypeGroups();
  const best = new Map<string, DuplicateCandidate>();
  const probes: DuplicateFields[] = [];
  const base = { date: probe.date, subdivision: probe.subdivision };
  const names = probe.victimNames.length ? probe.victimNames : [null];
  const types = probe.actTypes.length ? probe.actTypes : [null];
  for (const n of names) for (const a of types) probes.push({ ...base, victim_name: n, act_type: a });
  for (const p of probes) {
    const scores = scoreDuplicates(p, records, related);
    scores.forEach((s, k) => {
      if (s.probability < duplicateWarnProbability) return;
      const row = owner[k]!;
      const key = `${row.organisation_id}/${row.incident_id}`;
      const prev = best.get(key);
      if (prev && prev.weight >= s.weight) return;
      best.set(key, {
        organisationId: row.organisation_id,
        incidentId: row.incident_id,
        own: own.includes(row.organisation_id),
        title: row.title,
        date: dateText(row.inc_date, row.inc_precision),
        subdivision: row.inc_subdivision,
        weight: s.weight,
        probability: s.probability,
        levels: s.levels,
      });
    });
  }
  return [...best.values()].sort((a, b) => b.weight - a.weight).slice(0, maxShown);
}

/**
 * Records the documenter's answer for one pair (replacing an earlier one for the same pair) and
 * audits it. The candidate must be a case the documenter may read: an answer about a case one
 * cannot see is refused like a case that does not exist.
 */
export async function answerDuplicate(ctx: Ctx, actor: Actor, input: DuplicateAnswerInput): Promise<void> {
  authorize(actor, 'record.create');
  if (!isId(input.candidateOrganisationId) || !isId(input.candidateIncidentId) || !['same', 'different'].includes(input.answer)) {
    throw new AppError('bad_input', { issues: [{ path: ['answer'], key: 'workspace:duplicates.bad_answer' }] });
  }
  const org = actorOrganisation(actor);
  const scope = readScope(actor);
  await inTransaction(ctx.db, scope, async (trx) => {
    const own = scope.organisationIds as string[];
    const coalitions = scope.coalitionIds as string[];
    const seen = await sql<{ ok: number }>`SELECT 1 AS ok FROM incident i
      WHERE i.organisation_id = ${input.candidateOrganisationId} AND i.id = ${input.candidateIncidentId} AND i.archived_at IS NULL
        AND (i.organisation_id = ANY(${own}::uuid[]) OR (i.visibility <> 'private' AND EXISTS (SELECT 1 FROM record_share s
          WHERE s.organisation_id = i.organisation_id AND s.incident_id = i.id AND s.coalition_id = ANY(${coalitions}::uuid[]))))`.execute(trx);
    if (seen.rows.length === 0) throw new AppError('not_found');
    const id = newId();
    await sql`INSERT INTO duplicate_answer (organisation_id, id, subject, candidate_organisation_id, candidate_incident_id, answer, match_weight, answered_by)
      VALUES (${org}, ${id}, ${input.subject}, ${input.candidateOrganisationId}, ${input.candidateIncidentId}, ${input.answer}, ${input.weight}, ${actorUserId(actor)})
      ON CONFLICT (organisation_id, subject, candidate_organisation_id, candidate_incident_id)
      DO UPDATE SET answer = EXCLUDED.answer, match_weight = EXCLUDED.match_weight, answered_at = now(), answered_by = EXCLUDED.answered_by`.execute(trx);
    await appendAudit(trx, {
      organisationId: org,
      userId: actorUserId(actor),
      action: 'duplicate.answer',
      objectTable: 'incident',
      objectId: input.candidateIncidentId,
      requestId: actor.kind === 'user' ? actor.requestId : null,
      // Non-identifying: the subject is a draft or import id, the answer a code.
      detail: { subject: input.subject, answer: input.answer, candidateOrganisationId: input.candidateOrganisationId, weight: Math.round(input.weight * 100) / 100 },
    });
  });
}

/** The answers given for a subject (the intake shows the "same case" choice from them). */
export async function duplicateAnswers(ctx: Ctx, actor: Actor, subject: string): Promise<{ candidateOrganisationId: string; candidateIncidentId: string; answer: 'same' | 'different' }[]> {
  authorize(actor, 'record.read');
  const org = actorOrganisation(actor);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await sql<{ candidate_organisation_id: string; candidate_incident_id: string; answer: 'same' | 'different' }>`
      SELECT candidate_organisation_id, candidate_incident_id, answer FROM duplicate_answer
      WHERE organisation_id = ${org} AND subject = ${subject} ORDER BY answered_at`.execute(trx);
    return r.rows.map((x) => ({ candidateOrganisationId: x.candidate_organisation_id, candidateIncidentId: x.candidate_incident_id, answer: x.answer }));
  });
}

/** Once a draft is saved, its answers also name the case it became (inside the saving transaction). */
export async function settleDuplicateAnswers(trx: DB, organisationId: string, subject: string, incidentId: string): Promise<void> {
  await sql`UPDATE duplicate_answer SET incident_id = ${incidentId} WHERE organisation_id = ${organisationId} AND subject = ${subject}`.execute(trx);
}
