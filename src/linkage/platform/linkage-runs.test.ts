/**
 * Linkage in the platform, on the database: three organisations document the same detention; a run
 * proposes the cluster, a reviewer confirms it and the distinct count counts it once with three
 * organisations; partners' names enter the comparison only when shared; estimation stores its run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../../access/index.js';
import { engines, openTestDb, type TestDb } from '../../../test/support/db.js';
import { makeUser } from '../../../test/support/factories.js';
import { readScope } from '../../access/index.js';
import { inTransaction } from '../../store/index.js';
import './linkage.tables.js';
import { countDistinctAttacksByMonth, estimateFromRun, getLinkageRun, listLinkageRuns, reviewCluster, startLinkageRun } from './index.js';
import { readLinkageInput } from './linkage-input.queries.js';
import { loadLinkageFixture, type LinkageFixture } from './linkage.fixture.js';

describe.each(engines)('linkage runs on %s', (engine) => {
  let t: TestDb;
  let fx: LinkageFixture;
  let reviewer: UserActor;
  let analyst: UserActor;
  let runId: string;

  beforeAll(async () => {
    t = await openTestDb(engine);
    fx = await loadLinkageFixture({ ...t, db: t.ownerDb ?? t.db }, { shareNamesFrom: [2] });
    reviewer = await makeUser(t, fx.orgs[0], 'reviewer', [fx.coalitionId], { totp: false });
    analyst = await makeUser(t, fx.orgs[0], 'analyst', [fx.coalitionId], { totp: false });
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('reads own acts and the partners’ shared acts, with partners’ names only where shared', async () => {
    const input = await inTransaction(t.db, readScope(analyst), (trx) => readLinkageInput(t, trx, readScope(analyst)));
    expect(input.records).toHaveLength(10);
    expect(new Set(input.meta.map((m) => m.memberOrganisationId)).size).toBe(3);
    const byOrg = (o: string) => input.records.filter((r) => r.source === o);
    // Own organisation: names compared; partner 1 did not share names; partner 2 did.
    expect(byOrg(fx.orgs[0]).every((r) => typeof r.fields.victim_name === 'string')).toBe(true);
    expect(byOrg(fx.orgs[1]).every((r) => r.fields.victim_name === null)).toBe(true);
    expect(byOrg(fx.orgs[2]).some((r) => r.fields.victim_name === fx.names[2])).toBe(true);
    // Partner 2 shared names on its detention only.
    expect(input.namesCompared).toBe(byOrg(fx.orgs[0]).length + 1);
    expect(byOrg(fx.orgs[2]).filter((r) => r.fields.victim_name !== null)).toHaveLength(1);
    // A month-only date keeps its precision.
    expect(input.meta.find((m) => m.actId === fx.detentionActs[1])!.date).toBe('2021-03');
  });

  it('proposes the shared detention as one cluster and stores the run with its figures', async () => {
    runId = await startLinkageRun(t, analyst);
    const run = await getLinkageRun(t, analyst, runId);
    expect(run.recordCount).toBe(10);
    expect(run.organisationCount).toBe(3);
    expect(run.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.candidatePairs).toBeGreaterThan(0);
    expect(run.emIterations).toBeGreaterThan(0);
    const detention = run.clusters.find((c) => c.members.some((m) => m.actId === fx.detentionActs[0]));
    expect(detention).toBeDefined();
    expect(detention!.members.map((m) => m.actId).sort()).toEqual([...fx.detentionActs].sort());
    expect(detention!.pairs.length).toBeGreaterThan(0);
    expect(detention!.pairs[0]!.explanation.comparisons.map((c) => c.name)).toContain('act_type');
    // Nothing unrelated is clustered with it.
    expect(run.clusters.filter((c) => c.id !== detention!.id)).toEqual([]);
    // The same input gives the same hash.
    const again = await getLinkageRun(t, analyst, await startLinkageRun(t, analyst));
    expect(again.inputHash).toBe(run.inputHash);
    expect((await listLinkageRuns(t, analyst)).length).toBe(2);
  });

  it('lets a reviewer, not an analyst, confirm; counts the detention once with three organisations', async () => {
    const run = await getLinkageRun(t, reviewer, runId);
    const c = run.clusters[0]!;
    await expect(reviewCluster(t, analyst, runId, c.id, { decision: 'confirm', version: c.version })).rejects.toMatchObject({ code: 'forbidden' });
    const before = await countDistinctAttacksByMonth(t, reviewer, runId);
    expect(before.totals).toEqual({ records: 10, attacks: 10 });
    await reviewCluster(t, reviewer, runId, c.id, { decision: 'confirm', version: c.version });
    await expect(reviewCluster(t, reviewer, runId, c.id, { decision: 'split', version: c.version })).rejects.toMatchObject({ code: 'conflict' });
    const after = await countDistinctAttacksByMonth(t, reviewer, runId);
    expect(after.totals).toEqual({ records: 10, attacks: 8 });
    const march = after.months.find((m) => m.period === '2021-03')!;
    expect(march).toMatchObject({ records: 3, attacks: 1, multiDocumented: 1, maxOrganisations: 3 });
    expect(after.confirmed).toHaveLength(1);
    expect(after.confirmed[0]!.organisations).toHaveLength(3);
    // Months between the first and last are all present.
    expect(after.months[0]!.period).toBe('2020-02');
    expect(after.months.at(-1)!.period).toBe('2022-05');
    expect(after.months).toHaveLength(28);
  });

  it('splits: leaving one act out counts it on its own', async () => {
    const id = await startLinkageRun(t, analyst);
    const run = await getLinkageRun(t, reviewer, id);
    const c = run.clusters[0]!;
    await expect(reviewCluster(t, reviewer, id, c.id, { decision: 'confirm', version: c.version, keep: [c.members[0]!.recordIdx] })).rejects.toMatchObject({ code: 'validation' });
    await reviewCluster(t, reviewer, id, c.id, { decision: 'confirm', version: c.version, keep: c.members.slice(0, 2).map((m) => m.recordIdx) });
    expect((await countDistinctAttacksByMonth(t, reviewer, id)).totals.attacks).toBe(9);
    const id2 = await startLinkageRun(t, analyst);
    const c2 = (await getLinkageRun(t, reviewer, id2)).clusters[0]!;
    await reviewCluster(t, reviewer, id2, c2.id, { decision: 'split', version: c2.version });
    expect((await countDistinctAttacksByMonth(t, reviewer, id2)).totals.attacks).toBe(10);
  });

  it('another organisation cannot see the run', async () => {
    const other = await makeUser(t, fx.orgs[1], 'reviewer', [fx.coalitionId], { totp: false });
    await expect(getLinkageRun(t, other, runId)).rejects.toMatchObject({ code: 'not_found' });
    expect(await listLinkageRuns(t, other)).toEqual([]);
  });

  it('estimates from the confirmed run and stores the settings and input hash', async () => {
    const out = await estimateFromRun(t, reviewer, { runId, stratum: { year: '2021' }, method: 'loglinear' });
    // 2021: the detention (three lists) and the raid and the attack of 2021 (one list each).
    expect(out.documented).toBe(3);
    expect(out.report.observed).toBe(3);
    expect(out.table.lists).toHaveLength(3);
    expect(out.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.report.warnings.map((w) => w.key)).toContain('warnings.small_list');
    const stored = await inTransaction(t.ownerDb ?? t.db, readScope(reviewer), (trx) => trx.selectFrom('estimate_run').selectAll().where('id', '=', out.id).executeTakeFirstOrThrow());
    expect(stored.input_hash).toBe(out.inputHash);
    expect((stored.settings as { stratum: unknown }).stratum).toEqual({ year: '2021' });
    // The stored result names the code that computed it, the table's hash (the same as the run's)
    // and which figure to report, with each interval's kind and the standard error.
    const result = stored.result as { report: { toolVersion: string; inputHash: string; recommended: { method: string } | null; methods: { interval: string; stderr: number }[] } };
    expect(result.report.toolVersion).toMatch(/^atalaya \d+\.\d+\.\d+/);
    expect(result.report.inputHash).toBe(out.inputHash);
    expect(result.report.methods.map((m) => m.interval)).toEqual(out.report.methods.map((m) => m.interval));
    if (out.report.methods.length) expect(result.report.recommended).not.toBeNull();
  });
});
