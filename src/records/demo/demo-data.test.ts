/**
 * The demo shows every feature working (issue 17 §5): the public dashboard publishes several cells
 * at or above the disclosure threshold while still hiding small ones, and the second organisation
 * documents several of the first's attacks, shared with the coalition, so that a linkage run over
 * the coalition groups them across organisations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDb, type TestDb } from '../../../test/support/db.js';
import { makeUser } from '../../../test/support/factories.js';
import { countryDashboard } from '../../portal/index.js';
import { getLinkageRun, startLinkageRun } from '../../linkage/platform/index.js';
import { loadDemo, type DemoResult } from '../index.js';

describe.each(engines)('demo data on %s', (engine) => {
  let t: TestDb;
  let demo: DemoResult;
  let loadMs = 0;

  beforeAll(async () => {
    t = await openTestDb(engine);
    const started = performance.now();
    demo = await loadDemo({ ...t, db: t.ownerDb ?? t.db });
    loadMs = performance.now() - started;
    console.log(`demo load on ${engine}: ${Math.round(loadMs)} ms, ${demo.incidents} incidents`);
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('the public dashboard shows at least 3 cells at or above k=5 and still hides at least one', async () => {
    const d = await countryDashboard(t.ownerDb ?? t.db, 'VE', 5, 'es');
    const cells = [d.monthly, d.byActType, d.byState].flatMap((tb) => tb.cells);
    const visible = cells.filter((c) => !c.suppressed && c.value !== null && c.value >= 5);
    const hidden = cells.filter((c) => c.suppressed);
    expect(visible.length).toBeGreaterThanOrEqual(3);
    expect(hidden.length).toBeGreaterThanOrEqual(1);
    // Every table publishes something: none is withheld whole.
    for (const tb of [d.monthly, d.byActType, d.byState]) {
      expect(tb.withheld).toBe(false);
      expect(tb.cells.some((c) => !c.suppressed)).toBe(true);
    }
  });

  it('a linkage run over the coalition groups at least 3 pairs documented by both organisations', async () => {
    const analyst = await makeUser(t, demo.organisations.observatorio, 'analyst', [demo.coalitionId], { totp: false });
    const run = await getLinkageRun(t, analyst, await startLinkageRun(t, analyst));
    expect(run.organisationCount).toBe(2);
    let crossPairs = 0;
    for (const c of run.clusters) {
      const orgOf = new Map(c.members.map((m) => [m.recordIdx, m.memberOrganisationId]));
      crossPairs += c.pairs.filter((p) => orgOf.get(p.left) !== orgOf.get(p.right)).length;
    }
    expect(crossPairs).toBeGreaterThanOrEqual(3);
    // The clusters hold cases from both organisations.
    expect(run.clusters.filter((c) => new Set(c.members.map((m) => m.memberOrganisationId)).size === 2).length).toBeGreaterThanOrEqual(3);
  });
});
