/**
 * Multiple systems estimation from a linkage run (issue 9, platform part). The run's distinct attacks
 * (confirmed clusters once) give, for each attack, the organisations that documented it; each
 * organisation, or each group of them, is a list. The estimate module does the maths; this file picks
 * the stratum, builds the capture table, runs LCMCR in a worker thread and stores the settings, the
 * hash of the table and the result. The documented count is always reported beside the estimates.
 *
 * It lives beside the linkage runs because the estimate folder is pure numerical code without
 * database access (eslint.config.js).
 */
import { createHash } from 'node:crypto';
import { authorize, actorOrganisation, actorUserId, writeScope, type Actor, type Ctx } from '../../access/index.js';
import {
  addLcmcr,
  buildCaptureTables,
  estimateWithoutLcmcr,
  resolveLcmcrSettings,
  startLcmcrInWorker,
  wantsLcmcr,
  type CaptureTable,
  type EstimateReport,
  type ChainOptions,
  type LcmcrSettings,
} from '../../estimate/index.js';
import { AppError } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { appendAudit, canonicalJson, inTransaction } from '../../store/index.js';
import { distinctAttacks } from './linkage-runs.service.js';
import './linkage.tables.js';

export interface Stratum {
  year?: string;
  actType?: string;
  subdivision?: string;
}

export interface EstimateInput {
  runId: string;
  stratum: Stratum;
  /** organisation id -> list name; organisations with the same name form one list. Default: each its own. */
  groups?: Record<string, string>;
  method?: 'loglinear' | 'all';
  lcmcr?: Partial<Pick<LcmcrSettings, 'K' | 'burnIn' | 'samples' | 'thinning' | 'seed'>>;
}

/** Modest settings for a page request; the CLI and benchmarks run longer chains. */
export const pageLcmcrSettings: Partial<LcmcrSettings> = { K: 10, burnIn: 2000, samples: 500, thinning: 5, seed: 20_251_128 };
/**
 * The page runs the default several-chain LCMCR (4 chains continued until pooled ESS ≥ 400 and
 * split R̂ < 1.01) with a lower cap than the CLI, so that a run from the browser ends within about a
 * minute on a loaded server; the page says when the cap stopped it.
 */
export const pageChainOptions: Partial<ChainOptions> = { chains: 4, maxIterations: 100_000 };

export interface EstimateOutcome {
  id: string;
  table: CaptureTable;
  report: EstimateReport;
  /** Attacks in the stratum, documented: the figure shown first. */
  documented: number;
  /** Proposed clusters not yet reviewed in the run (their acts count separately until confirmed). */
  unreviewed: number;
  organisations: { id: string; name: string; list: string }[];
  settings: Record<string, unknown>;
  inputHash: string;
}

/** Estimates the number of attacks in a stratum from a run's distinct attacks, and stores the estimate. */
export async function estimateFromRun(ctx: Ctx, actor: Actor, input: EstimateInput): Promise<EstimateOutcome> {
  authorize(actor, 'linkage.run');
  authorize(actor, 'analysis.read');
  const org = actorOrganisation(actor);
  if (!isId(input.runId)) throw new AppError('not_found');
  const method = input.method ?? 'all';
  const { attacks, names, unreviewed } = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const run = await trx.selectFrom('linkage_run').select('id').where('organisation_id', '=', org).where('id', '=', input.runId).executeTakeFirst();
    if (!run) throw new AppError('not_found');
    const attacks = await distinctAttacks(trx, org, input.runId);
    const ids = [...new Set(attacks.flatMap((a) => a.organisations))];
    const rows = ids.length ? await trx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', ids).execute() : [];
    const pending = await trx
      .selectFrom('linkage_cluster')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organisation_id', '=', org)
      .where('run_id', '=', input.runId)
      .where('status', '=', 'proposed')
      .executeTakeFirstOrThrow();
    return { attacks, names: new Map(rows.map((r) => [r.id, r.name])), unreviewed: Number(pending.n) };
  });
  const s = input.stratum;
  const inStratum = attacks.filter(
    (a) => (!s.year || (a.date ?? '').startsWith(s.year)) && (!s.actType || a.actType === s.actType) && (!s.subdivision || a.subdivision === s.subdivision),
  );
  const orgIds = [...names.keys()].sort((a, b) => (names.get(a)! < names.get(b)! ? -1 : 1));
  const listOf = (id: string) => (input.groups?.[id]?.trim() || names.get(id) || id).slice(0, 80);
  const grouping: { name: string; members: string[] }[] = [];
  for (const id of orgIds) {
    const name = listOf(id);
    const g = grouping.find((x) => x.name === name);
    if (g) g.members.push(id);
    else grouping.push({ name, members: [id] });
  }
  const { tables } = buildCaptureTables(
    inStratum.map((a) => ({ lists: a.organisations, strata: {} })),
    grouping,
  );
  const table: CaptureTable = tables[0] ?? { lists: grouping.map((g) => g.name), counts: new Array<number>(1 << grouping.length).fill(0) };
  const options = { method, criterion: 'bic' as const, top: 5, lcmcr: { ...pageLcmcrSettings, ...input.lcmcr } };
  const report = estimateWithoutLcmcr(table, options);
  let lcmcrSettings: LcmcrSettings | null = null;
  if (wantsLcmcr(table, options)) {
    lcmcrSettings = resolveLcmcrSettings(options.lcmcr, report.level);
    addLcmcr(report, await startLcmcrInWorker(table, lcmcrSettings, undefined, pageChainOptions).result);
  }
  const settings = { runId: input.runId, stratum: s, lists: grouping, method, criterion: 'bic', lcmcr: lcmcrSettings, chains: lcmcrSettings ? pageChainOptions : null };
  const inputHash = createHash('sha256').update(canonicalJson({ lists: table.lists, counts: table.counts })).digest('hex');
  const id = newId();
  const outOrgs = orgIds.map((o) => ({ id: o, name: names.get(o) ?? o, list: listOf(o) }));
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    await trx
      .insertInto('estimate_run')
      .values({
        organisation_id: org,
        id,
        linkage_run_id: input.runId,
        settings: JSON.stringify(settings),
        input_hash: inputHash,
        result: JSON.stringify({ table, report, documented: inStratum.length, unreviewed, organisations: outOrgs }),
        created_by: actorUserId(actor),
      })
      .execute();
    await appendAudit(trx, {
      organisationId: org,
      userId: actorUserId(actor),
      action: 'estimate.run',
      objectTable: 'estimate_run',
      objectId: id,
      requestId: actor.requestId ?? null,
      detail: { runId: input.runId, lists: table.lists.length, observed: report.observed, inputHash },
    });
  });
  return {
    id,
    table,
    report,
    documented: inStratum.length,
    unreviewed,
    organisations: outOrgs,
    settings,
    inputHash,
  };
}

/** A stored estimation run, as it was computed. */
export async function getEstimate(ctx: Ctx, actor: Actor, id: string): Promise<EstimateOutcome & { createdAt: string }> {
  authorize(actor, 'linkage.run');
  const org = actorOrganisation(actor);
  if (!isId(id)) throw new AppError('not_found');
  const row = await inTransaction(ctx.db, writeScope(actor), (trx) =>
    trx.selectFrom('estimate_run').selectAll().where('organisation_id', '=', org).where('id', '=', id).executeTakeFirst(),
  );
  if (!row) throw new AppError('not_found');
  const r = row.result as Pick<EstimateOutcome, 'table' | 'report' | 'documented' | 'unreviewed' | 'organisations'>;
  return { id, ...r, settings: row.settings as Record<string, unknown>, inputHash: row.input_hash, createdAt: new Date(row.created_at).toISOString() };
}

/** The strata a run offers: years, act types and states among its attacks. */
export async function runStrata(ctx: Ctx, actor: Actor, runId: string): Promise<{ years: string[]; actTypes: string[]; subdivisions: string[]; organisations: { id: string; name: string }[] }> {
  authorize(actor, 'linkage.run');
  const org = actorOrganisation(actor);
  if (!isId(runId)) throw new AppError('not_found');
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const run = await trx.selectFrom('linkage_run').select('id').where('organisation_id', '=', org).where('id', '=', runId).executeTakeFirst();
    if (!run) throw new AppError('not_found');
    const rows = await trx.selectFrom('linkage_record').select(['act_date', 'act_type', 'subdivision', 'member_organisation_id']).where('organisation_id', '=', org).where('run_id', '=', runId).execute();
    const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();
    const orgIds = uniq(rows.map((r) => r.member_organisation_id));
    const names = orgIds.length ? await trx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', orgIds).execute() : [];
    return {
      years: uniq(rows.map((r) => (r.act_date ? r.act_date.slice(0, 4) : null))),
      actTypes: uniq(rows.map((r) => r.act_type)),
      subdivisions: uniq(rows.map((r) => r.subdivision)),
      organisations: names.map((n) => ({ id: n.id, name: n.name })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    };
  });
}
