/**
 * `npm run bench -- duplicates [--incidents 10000] [--runs 200]`: the cost of the possible-duplicate
 * check (issue 17 §1) per intake step, on an organisation holding N synthetic cases (PGlite in
 * memory). Baseline: what the step does without the check (load the draft, apply the form, save it,
 * validate the step). With the check: the same plus findPossibleDuplicates on the draft. The probes
 * are re-entries of cases held (their date, state and victim name), so candidates are found and
 * names decrypted and compared, as at a real re-entry. Prints mean, median and p95 per step, and the
 * ratio of the step with the check to the baseline.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Keyring } from '../src/access/crypto/keyring.js';
import { masterKeyId } from '../src/access/crypto/master-key.js';
import { createOrganisation, type Ctx } from '../src/access/index.js';
import { findPossibleDuplicates } from '../src/linkage/platform/index.js';
import { createDraft, getDraft, saveDraft } from '../src/records/index.js';
import { migrate, openDatabase } from '../src/store/index.js';
import { generateSynthetic } from '../src/trends/index.js';
import { applyStep, duplicateProbe, emptyDraft, validateStep, type IncidentDraft, type Step } from '../src/ui/workspace/intake.model.js';
import { makeUser } from '../test/support/factories.js';

function arg(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  const v = k >= 0 ? Number(args[k + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

function summary(xs: number[]): { mean: number; median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: s[Math.floor(s.length / 2)]!, p95: s[Math.floor(s.length * 0.95)]! };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

export default async function duplicatesBench(args: string[]): Promise<void> {
  const n = arg(args, 'incidents', 10_000);
  const runs = arg(args, 'runs', 200);
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-bench-dups-'));
  const h = await openDatabase({ dataDir, inMemory: true });
  try {
    await migrate(h.db);
    const key = randomBytes(32);
    const ctx: Ctx = { db: h.db, keys: new Keyring({ key, id: masterKeyId(key), source: 'environment' }), dataDir };
    const org = (await createOrganisation(ctx, { slug: 'bench-dups', name: 'Bench' })).id;
    const loaded = await generateSynthetic(ctx, { organisationId: org, n, seed: 3 });
    await sql`VACUUM ANALYZE`.execute(h.db);
    console.log(`duplicates bench: ${loaded.incidents} incidents, ${loaded.acts} acts, ${loaded.actors} victims on PGlite (loaded in ${(loaded.ms / 1000).toFixed(1)} s); ${runs} timed runs per step after warm-up.`);
    const user = await makeUser(ctx, org, 'documenter', [], { totp: false });

    // Re-entries of held cases: an act's date at its precision, its state, its victim's name.
    const sample = await sql<{ d: string | null; p: string | null; sub: string | null; act_type: string; vid: string; name_enc: Buffer }>`
      SELECT a.start_date::text AS d, a.start_precision AS p, coalesce(a.subdivision, i.subdivision) AS sub, a.act_type, v.id AS vid, v.name_enc
      FROM act a JOIN incident i ON i.organisation_id = a.organisation_id AND i.id = a.incident_id
      JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
      WHERE a.organisation_id = ${org} AND a.start_date IS NOT NULL ORDER BY md5(a.id::text) LIMIT ${runs}`.execute(h.db);
    const probes: { date: string; subdivision: string; name: string; actType: string }[] = [];
    for (const r of sample.rows) {
      const date = r.p === 'year' ? r.d!.slice(0, 4) : r.p === 'month' ? r.d!.slice(0, 7) : r.d!;
      probes.push({ date, subdivision: r.sub ?? '', actType: r.act_type, name: await ctx.keys.decrypt(h.db, org, `actor.name_enc:${r.vid}`, r.name_enc) });
    }

    const draftId = await createDraft(ctx, user, emptyDraft());
    const forms = (p: (typeof probes)[number]): Record<'incident' | 'victims', Record<string, string>> => ({
        incident: { title: 'Re-entrada', startDate: p.date, country: 'VE', subdivision: p.subdivision, visibility: 'private' },
        victims: { rows: '1', v0_name: p.name, v0_kind: 'person', v0_use: 'new' },
    });
    const t = (k: string) => k;

    async function step(step: Step, form: Record<string, string>, check: boolean): Promise<{ total: number; found: number }> {
      const t0 = performance.now();
      const draft = applyStep((await getDraft<IncidentDraft>(ctx, user, draftId)).payload, step, form);
      await saveDraft(ctx, user, draftId, draft);
      validateStep(draft, step, 'es', t);
      let found = 0;
      if (check) found = (await findPossibleDuplicates(ctx, user, duplicateProbe(draftId, draft))).length;
      return { total: performance.now() - t0, found };
    }

    for (const s of ['incident', 'victims'] as const) {
      // Warm-up, then alternate baseline and check so that load on the shared machine hits both alike.
      for (const p of probes.slice(0, 10)) {
        await step(s, forms(p)[s], false);
        await step(s, forms(p)[s], true);
      }
      const base: number[] = [];
      const withCheck: number[] = [];
      let warned = 0;
      for (const p of probes) {
        if (s === 'victims') await step('incident', forms(p).incident, false);
        base.push((await step(s, forms(p)[s], false)).total);
        const r = await step(s, forms(p)[s], true);
        withCheck.push(r.total);
        if (r.found) warned++;
      }
      const b = summary(base);
      const c = summary(withCheck);
      console.log(
        `step ${s.padEnd(8)} baseline mean ${ms(b.mean)} (median ${ms(b.median)}, p95 ${ms(b.p95)}); ` +
          `with check mean ${ms(c.mean)} (median ${ms(c.median)}, p95 ${ms(c.p95)}); ` +
          `check alone ${ms(c.mean - b.mean)}; ratio ${(c.mean / b.mean).toFixed(2)}x; warned on ${warned}/${probes.length} re-entries`,
      );
    }
  } finally {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
