/**
 * Linkage runs in the platform: run the engine over the acts the user may see, store the run (config,
 * engine version, input hash, figures), its scored pairs with their explanations and its proposed
 * clusters; let a reviewer confirm or split them; count distinct attacks once. Nobody's record is
 * changed: a confirmed cluster only says "the same act, documented by organisations A, B and C".
 */
import { createHash } from 'node:crypto';
import { authorize, readScope, writeScope, actorOrganisation, actorUserId, type Actor, type Ctx } from '../../access/index.js';
import { AppError } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { appendAudit, canonicalJson, inTransaction, type DB } from '../../store/index.js';
import { parseLinkConfig, runLinkage, type LinkConfig, type PairExplanation } from '../index.js';
import { defaultPlatformConfig, platformColumns } from './default-config.js';
import { readLinkageInput, type ActMeta } from './linkage-input.queries.js';
import './linkage.tables.js';
import type { ClusterStatus } from './linkage.tables.js';

/** Bumped when the engine's scoring changes; stored with every run. */
export const ENGINE_VERSION = 'atalaya-linkage/1 (Fellegi-Sunter, EM)';

export interface RunFigures {
  rules: { name: string; pairs: number; newPairs: number }[];
  sessions: { rule: string; pairs: number; iterations: number; converged: boolean }[];
  lambda: number;
  precision: number;
  recall: number;
  warnings: { key: string; values: Record<string, string | number> }[];
  organisations: string[];
}

export interface RunSummary {
  id: string;
  createdAt: string;
  createdBy: string | null;
  engineVersion: string;
  inputHash: string;
  recordCount: number;
  organisationCount: number;
  namesCompared: number;
  candidatePairs: number;
  emIterations: number;
  pairsAbove: number;
  clusterCount: number;
  threshold: number;
  confirmed: number;
  proposed: number;
  split: number;
}

export interface ClusterMember {
  recordIdx: number;
  memberOrganisationId: string;
  organisationName: string;
  actId: string;
  incidentId: string;
  date: string | null;
  actType: string;
  subdivision: string | null;
  excluded: boolean;
}

export interface ClusterView {
  id: string;
  status: ClusterStatus;
  version: number;
  minProbability: number;
  members: ClusterMember[];
  pairs: { left: number; right: number; weight: number; probability: number; explanation: PairExplanation }[];
  reviewedAt: string | null;
}

export interface RunDetail extends RunSummary {
  config: unknown;
  figures: RunFigures;
  clusters: ClusterView[];
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function orgOf(actor: Actor): string {
  return actorOrganisation(actor);
}

/** Parses an analyst's JSON config (text or value); the default when empty. */
export function platformConfig(input: unknown): LinkConfig {
  if (input === undefined || input === null || (typeof input === 'string' && input.trim() === '')) return parseLinkConfig(defaultPlatformConfig());
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new AppError('validation', { issues: [{ path: ['config'], key: 'linkplatform:errors.config_json', values: { message: (e as Error).message } }] });
    }
  }
  return parseLinkConfig(value);
}

/** Runs linkage over what the user may see and stores the run; returns its id. */
export async function startLinkageRun(ctx: Ctx, actor: Actor, input: { config?: unknown } = {}): Promise<string> {
  authorize(actor, 'linkage.run');
  const org = orgOf(actor);
  const config = platformConfig(input.config);
  const { records, meta, namesCompared } = await inTransaction(ctx.db, readScope(actor), (trx) => readLinkageInput(ctx, trx, readScope(actor)));
  const sources = new Set(meta.map((m) => m.memberOrganisationId));
  if (records.length < 2 || sources.size < 2) {
    throw new AppError('invalid_state', { issues: [{ path: [], key: 'linkplatform:errors.too_few', values: { records: records.length, organisations: sources.size } }] });
  }
  const result = runLinkage(records, config, { mode: 'link', columns: platformColumns });
  const inputHash = hashOf({ config, records: records.map((r) => [r.source, r.id, r.fields]) });
  const runId = newId();
  const figures: RunFigures = {
    rules: result.rules,
    sessions: result.model.sessions.map((s) => ({ rule: s.rule, pairs: s.pairs, iterations: s.iterations, converged: s.converged })),
    lambda: result.model.lambda,
    precision: result.estimate.precision,
    recall: result.estimate.recall,
    warnings: result.warnings,
    organisations: [...sources],
  };
  // Clusters of two or more records are proposals for review.
  const byCluster = new Map<number, number[]>();
  for (let i = 0; i < records.length; i++) {
    const c = result.clusterOf[i]!;
    const list = byCluster.get(c) ?? [];
    list.push(i);
    byCluster.set(c, list);
  }
  const proposals = [...byCluster.values()].filter((m) => m.length >= 2);
  const clusterOfRecord = new Map<number, number>();
  proposals.forEach((m, k) => m.forEach((i) => clusterOfRecord.set(i, k)));
  const pairs: { left: number; right: number; weight: number; probability: number }[] = [];
  for (let p = 0; p < result.pairs.length; p++) {
    pairs.push({ left: result.pairs.left[p]!, right: result.pairs.right[p]!, weight: result.pairs.weight[p]!, probability: result.pairs.probability[p]! });
  }
  let pairsAbove = 0;
  for (const p of pairs) if (p.probability >= config.threshold) pairsAbove++;
  const minProbability = proposals.map((members) => {
    const inside = new Set(members);
    let min = 1;
    for (const p of pairs) if (inside.has(p.left) && inside.has(p.right) && p.probability >= config.threshold) min = Math.min(min, p.probability);
    return min;
  });
  const emIterations = result.model.sessions.reduce((s, x) => s + x.iterations, 0);

  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    await trx
      .insertInto('linkage_run')
      .values({
        organisation_id: org,
        id: runId,
        config: JSON.stringify(config),
        engine_version: ENGINE_VERSION,
        input_hash: inputHash,
        record_count: records.length,
        organisation_count: sources.size,
        names_compared: namesCompared,
        candidate_pairs: result.candidatePairs,
        em_iterations: emIterations,
        pairs_above: pairsAbove,
        cluster_count: proposals.length,
        figures: JSON.stringify(figures),
        created_by: actorUserId(actor),
      })
      .execute();
    for (let start = 0; start < meta.length; start += 500) {
      await trx
        .insertInto('linkage_record')
        .values(
          meta.slice(start, start + 500).map((m, k) => ({
            organisation_id: org,
            run_id: runId,
            idx: start + k,
            member_organisation_id: m.memberOrganisationId,
            act_id: m.actId,
            incident_id: m.incidentId,
            act_date: m.date,
            act_type: m.actType,
            subdivision: m.subdivision,
          })),
        )
        .execute();
    }
    for (let start = 0; start < pairs.length; start += 200) {
      await trx
        .insertInto('linkage_pair')
        .values(
          pairs.slice(start, start + 200).map((p) => ({
            organisation_id: org,
            run_id: runId,
            left_idx: p.left,
            right_idx: p.right,
            match_weight: p.weight,
            match_probability: p.probability,
            explanation: JSON.stringify(result.explain(p.left, p.right)),
          })),
        )
        .execute();
    }
    for (const [k, members] of proposals.entries()) {
      const clusterId = newId();
      await trx.insertInto('linkage_cluster').values({ organisation_id: org, id: clusterId, run_id: runId, min_probability: minProbability[k]!, reviewed_by: null }).execute();
      await trx
        .insertInto('linkage_cluster_member')
        .values(members.map((i) => ({ organisation_id: org, cluster_id: clusterId, record_idx: i, member_organisation_id: meta[i]!.memberOrganisationId, act_id: meta[i]!.actId })))
        .execute();
    }
    await appendAudit(trx, {
      organisationId: org,
      userId: actorUserId(actor),
      action: 'linkage.run',
      objectTable: 'linkage_run',
      objectId: runId,
      requestId: actor.requestId ?? null,
      detail: { records: records.length, organisations: sources.size, candidatePairs: result.candidatePairs, clusters: proposals.length, inputHash },
    });
  });
  return runId;
}

type RunRow = {
  id: string;
  created_at: Date;
  created_by: string | null;
  engine_version: string;
  input_hash: string;
  record_count: number;
  organisation_count: number;
  names_compared: number;
  candidate_pairs: string;
  em_iterations: number;
  pairs_above: number;
  cluster_count: number;
  config: unknown;
};

async function summaries(trx: DB, org: string, runId?: string): Promise<(RunSummary & { config: unknown })[]> {
  let q = trx
    .selectFrom('linkage_run as r')
    .select(['r.id', 'r.created_at', 'r.created_by', 'r.engine_version', 'r.input_hash', 'r.record_count', 'r.organisation_count', 'r.names_compared', 'r.candidate_pairs', 'r.em_iterations', 'r.pairs_above', 'r.cluster_count', 'r.config'])
    .where('r.organisation_id', '=', org)
    .orderBy('r.created_at', 'desc')
    .limit(50);
  if (runId) q = q.where('r.id', '=', runId);
  const rows = (await q.execute()) as RunRow[];
  const status = await trx
    .selectFrom('linkage_cluster')
    .select(['run_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('organisation_id', '=', org)
    .$if(!!runId, (qb) => qb.where('run_id', '=', runId!))
    .groupBy(['run_id', 'status'])
    .execute();
  return rows.map((r) => {
    const count = (s: ClusterStatus) => Number(status.find((x) => x.run_id === r.id && x.status === s)?.n ?? 0);
    const config = r.config as LinkConfig;
    return {
      id: r.id,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      engineVersion: r.engine_version,
      inputHash: r.input_hash,
      recordCount: r.record_count,
      organisationCount: r.organisation_count,
      namesCompared: r.names_compared,
      candidatePairs: Number(r.candidate_pairs),
      emIterations: r.em_iterations,
      pairsAbove: r.pairs_above,
      clusterCount: r.cluster_count,
      threshold: config.threshold,
      confirmed: count('confirmed'),
      proposed: count('proposed'),
      split: count('split'),
      config: r.config,
    };
  });
}

export async function listLinkageRuns(ctx: Ctx, actor: Actor): Promise<RunSummary[]> {
  authorize(actor, 'linkage.run');
  const org = orgOf(actor);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => (await summaries(trx, org)).map(({ config: _c, ...s }) => s));
}

async function organisationNames(trx: DB, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The run with its clusters (members, the pairs between them and their explanations). */
export async function getLinkageRun(ctx: Ctx, actor: Actor, runId: string): Promise<RunDetail> {
  authorize(actor, 'linkage.run');
  const org = orgOf(actor);
  if (!isId(runId)) throw new AppError('not_found');
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const [summary] = await summaries(trx, org, runId);
    if (!summary) throw new AppError('not_found');
    const fig = await trx.selectFrom('linkage_run').select('figures').where('organisation_id', '=', org).where('id', '=', runId).executeTakeFirstOrThrow();
    const clusters = await trx
      .selectFrom('linkage_cluster')
      .selectAll()
      .where('organisation_id', '=', org)
      .where('run_id', '=', runId)
      .orderBy('min_probability', 'desc')
      .orderBy('id')
      .execute();
    const members = await trx
      .selectFrom('linkage_cluster_member as m')
      .innerJoin('linkage_record as r', (j) => j.onRef('r.organisation_id', '=', 'm.organisation_id').on('r.run_id', '=', runId).onRef('r.idx', '=', 'm.record_idx'))
      .select(['m.cluster_id', 'm.record_idx', 'm.member_organisation_id', 'm.act_id', 'm.excluded', 'r.incident_id', 'r.act_date', 'r.act_type', 'r.subdivision'])
      .where('m.organisation_id', '=', org)
      .where('m.cluster_id', 'in', clusters.length ? clusters.map((c) => c.id) : ['00000000-0000-0000-0000-000000000000'])
      .orderBy('m.record_idx')
      .execute();
    const names = await organisationNames(trx, [...new Set(members.map((m) => m.member_organisation_id))]);
    const idxs = members.map((m) => m.record_idx);
    const pairs = idxs.length
      ? await trx
          .selectFrom('linkage_pair')
          .selectAll()
          .where('organisation_id', '=', org)
          .where('run_id', '=', runId)
          .where('left_idx', 'in', idxs)
          .where('right_idx', 'in', idxs)
          .execute()
      : [];
    const views: ClusterView[] = clusters.map((c) => {
      const ms = members.filter((m) => m.cluster_id === c.id);
      const inside = new Set(ms.map((m) => m.record_idx));
      return {
        id: c.id,
        status: c.status,
        version: c.version,
        minProbability: c.min_probability,
        reviewedAt: c.reviewed_at ? new Date(c.reviewed_at).toISOString() : null,
        members: ms.map((m) => ({
          recordIdx: m.record_idx,
          memberOrganisationId: m.member_organisation_id,
          organisationName: names.get(m.member_organisation_id) ?? m.member_organisation_id,
          actId: m.act_id,
          incidentId: m.incident_id,
          date: m.act_date,
          actType: m.act_type,
          subdivision: m.subdivision,
          excluded: m.excluded,
        })),
        pairs: pairs
          .filter((p) => inside.has(p.left_idx) && inside.has(p.right_idx))
          .sort((a, b) => b.match_probability - a.match_probability)
          .map((p) => ({ left: p.left_idx, right: p.right_idx, weight: p.match_weight, probability: p.match_probability, explanation: p.explanation as PairExplanation })),
      };
    });
    return { ...summary, figures: fig.figures as RunFigures, clusters: views };
  });
}

export interface ReviewInput {
  decision: 'confirm' | 'split';
  version: number;
  /** Record indices kept together when confirming; absent = all members. At least two. */
  keep?: number[];
}

/** Confirms a cluster (optionally leaving some acts out) or splits it; optimistic version check. */
export async function reviewCluster(ctx: Ctx, actor: Actor, runId: string, clusterId: string, input: ReviewInput): Promise<void> {
  authorize(actor, 'linkage.review');
  const org = orgOf(actor);
  if (!isId(runId) || !isId(clusterId)) throw new AppError('not_found');
  if (input.decision !== 'confirm' && input.decision !== 'split') {
    throw new AppError('validation', { issues: [{ path: ['decision'], key: 'linkplatform:errors.decision' }] });
  }
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const c = await trx.selectFrom('linkage_cluster').selectAll().where('organisation_id', '=', org).where('id', '=', clusterId).where('run_id', '=', runId).executeTakeFirst();
    if (!c) throw new AppError('not_found');
    if (c.version !== input.version) throw new AppError('conflict', { details: { current: c.version, yours: input.version } });
    const members = await trx.selectFrom('linkage_cluster_member').select(['record_idx']).where('organisation_id', '=', org).where('cluster_id', '=', clusterId).execute();
    let kept = members.map((m) => m.record_idx);
    if (input.decision === 'confirm' && input.keep) {
      const known = new Set(kept);
      kept = [...new Set(input.keep)].filter((i) => known.has(i));
      if (kept.length < 2) throw new AppError('validation', { issues: [{ path: ['keep'], key: 'linkplatform:errors.keep_two' }] });
    }
    const keep = new Set(input.decision === 'confirm' ? kept : []);
    for (const m of members) {
      await trx
        .updateTable('linkage_cluster_member')
        .set({ excluded: input.decision === 'confirm' ? !keep.has(m.record_idx) : false })
        .where('organisation_id', '=', org)
        .where('cluster_id', '=', clusterId)
        .where('record_idx', '=', m.record_idx)
        .execute();
    }
    await trx
      .updateTable('linkage_cluster')
      .set({ status: input.decision === 'confirm' ? 'confirmed' : 'split', version: c.version + 1, reviewed_at: new Date(), reviewed_by: actorUserId(actor) })
      .where('organisation_id', '=', org)
      .where('id', '=', clusterId)
      .execute();
    await appendAudit(trx, {
      organisationId: org,
      userId: actorUserId(actor),
      action: `linkage.${input.decision}`,
      objectTable: 'linkage_cluster',
      objectId: clusterId,
      requestId: actor.requestId ?? null,
      detail: { runId, members: members.length, kept: keep.size },
    });
  });
}

export interface Attack {
  /** A confirmed cluster's id, or the act id of an act counted on its own. */
  key: string;
  confirmed: boolean;
  organisations: string[];
  acts: number;
  /** The earliest date among its acts (YYYY, YYYY-MM or YYYY-MM-DD). */
  date: string | null;
  actType: string;
  subdivision: string | null;
}

export interface RunRecord {
  idx: number;
  member_organisation_id: string;
  act_id: string;
  act_date: string | null;
  act_type: string;
  subdivision: string | null;
}

/**
 * Groups a run's records into attacks: the records of one confirmed cluster form one attack (dated by
 * its earliest act, the most precise of overlapping dates, whose type and state it takes); every other
 * record is an attack of its own.
 */
export function groupAttacks(records: readonly RunRecord[], clusterOf: ReadonlyMap<number, string>): Attack[] {
  const attacks = new Map<string, Attack>();
  // The earlier date; of two that overlap (2021-03 and 2021-03-14) the more precise one, so that a
  // cluster with one precise act keeps its month.
  const earlier = (a: string | null, b: string | null): string | null => {
    if (a === null) return b;
    if (b === null) return a;
    if (b.startsWith(a)) return b;
    if (a.startsWith(b)) return a;
    return b < a ? b : a;
  };
  for (const r of records) {
    const key = clusterOf.get(r.idx) ?? r.act_id;
    const a = attacks.get(key);
    if (!a) {
      attacks.set(key, { key, confirmed: clusterOf.has(r.idx), organisations: [r.member_organisation_id], acts: 1, date: r.act_date, actType: r.act_type, subdivision: r.subdivision });
      continue;
    }
    a.acts++;
    if (!a.organisations.includes(r.member_organisation_id)) a.organisations.push(r.member_organisation_id);
    const d = earlier(a.date, r.act_date);
    if (d !== a.date) {
      a.date = d;
      a.actType = r.act_type;
      a.subdivision = r.subdivision ?? a.subdivision;
    }
  }
  return [...attacks.values()];
}

/** Distinct attacks of a run: a confirmed cluster is one attack; every other act is one attack. */
export async function distinctAttacks(trx: DB, org: string, runId: string): Promise<Attack[]> {
  const records = await trx.selectFrom('linkage_record').selectAll().where('organisation_id', '=', org).where('run_id', '=', runId).orderBy('idx').execute();
  const confirmed = await trx
    .selectFrom('linkage_cluster_member as m')
    .innerJoin('linkage_cluster as c', (j) => j.onRef('c.organisation_id', '=', 'm.organisation_id').onRef('c.id', '=', 'm.cluster_id'))
    .select(['m.cluster_id', 'm.record_idx'])
    .where('m.organisation_id', '=', org)
    .where('c.run_id', '=', runId)
    .where('c.status', '=', 'confirmed')
    .where('m.excluded', '=', false)
    .execute();
  return groupAttacks(records, new Map(confirmed.map((m) => [m.record_idx, m.cluster_id])));
}

export interface MonthlyCount {
  period: string;
  /** Acts as recorded (each organisation's record counted). */
  records: number;
  /** Distinct attacks: confirmed clusters once. */
  attacks: number;
  /** Attacks documented by two or more organisations. */
  multiDocumented: number;
  /** Most organisations documenting one attack that month. */
  maxOrganisations: number;
}

export interface DistinctCounts {
  months: MonthlyCount[];
  /** Acts and attacks whose date is not precise to the month (or missing): not in any month. */
  withoutMonth: { records: number; attacks: number };
  totals: { records: number; attacks: number };
  /** Confirmed clusters with the organisations that documented each. */
  confirmed: { key: string; date: string | null; actType: string; subdivision: string | null; organisations: string[] }[];
}

/**
 * Counts distinct attacks per month for a run: confirmed clusters count once (in the month of their
 * earliest dated act) and unlinked acts count as themselves; beside it, the raw count of records.
 */
export async function countDistinctAttacksByMonth(ctx: Ctx, actor: Actor, runId: string): Promise<DistinctCounts> {
  authorize(actor, 'linkage.run');
  const org = orgOf(actor);
  if (!isId(runId)) throw new AppError('not_found');
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const run = await trx.selectFrom('linkage_run').select('id').where('organisation_id', '=', org).where('id', '=', runId).executeTakeFirst();
    if (!run) throw new AppError('not_found');
    const records = await trx.selectFrom('linkage_record').select(['act_date']).where('organisation_id', '=', org).where('run_id', '=', runId).execute();
    const attacks = await distinctAttacks(trx, org, runId);
    const names = await organisationNames(trx, [...new Set(attacks.flatMap((a) => a.organisations))]);
    const month = (d: string | null) => (d && d.length >= 7 ? d.slice(0, 7) : null);
    const by = new Map<string, MonthlyCount>();
    const get = (p: string) => {
      let m = by.get(p);
      if (!m) by.set(p, (m = { period: p, records: 0, attacks: 0, multiDocumented: 0, maxOrganisations: 0 }));
      return m;
    };
    const withoutMonth = { records: 0, attacks: 0 };
    for (const r of records) {
      const p = month(r.act_date);
      if (p) get(p).records++;
      else withoutMonth.records++;
    }
    for (const a of attacks) {
      const p = month(a.date);
      if (!p) {
        withoutMonth.attacks++;
        continue;
      }
      const m = get(p);
      m.attacks++;
      if (a.organisations.length >= 2) m.multiDocumented++;
      m.maxOrganisations = Math.max(m.maxOrganisations, a.organisations.length);
    }
    // Every month between the first and the last, so gaps show as zeros.
    const keys = [...by.keys()].sort();
    const months: MonthlyCount[] = [];
    if (keys.length) {
      let [y, mo] = keys[0]!.split('-').map(Number) as [number, number];
      const last = keys[keys.length - 1]!;
      for (;;) {
        const p = `${y}-${String(mo).padStart(2, '0')}`;
        months.push(by.get(p) ?? { period: p, records: 0, attacks: 0, multiDocumented: 0, maxOrganisations: 0 });
        if (p >= last) break;
        mo++;
        if (mo > 12) {
          mo = 1;
          y++;
        }
      }
    }
    return {
      months,
      withoutMonth,
      totals: { records: records.length, attacks: attacks.length },
      confirmed: attacks
        .filter((a) => a.confirmed)
        .map((a) => ({ key: a.key, date: a.date, actType: a.actType, subdivision: a.subdivision, organisations: a.organisations.map((o) => names.get(o) ?? o).sort() })),
    };
  });
}

export type { ActMeta };
