/** The dry run's prediction of what an import would create, update or leave alone. */
import { writeScope, type Actor, type Ctx } from '../access/index.js';
import { canonicalJson, inTransaction } from '../store/index.js';
import type { ImportProfile } from './import-profile.js';
import { lookupKeys } from './import.queries.js';
import { contentHash, type MappedAct, type MappedIncident, type MappedRow } from './map-row.js';
import { findPossibleDuplicates } from '../linkage/platform/index.js';
import { duplicateCheckLimit, type ImportReport } from './import-report.js';
import { contentCounts } from './import-writer.js';

export const keyOf = (dataset: string, groupKey: string) => `${dataset}\u0000${groupKey}`;

/**
 * Dry run: how many incidents would be created, updated or left unchanged, looked up a batch at a
 * time. Exact when each incident is one row; with several rows per incident (act unit) a group
 * split across batches is counted in each.
 */
export async function predict(ctx: Ctx, actor: Actor, orgId: string, profile: ImportProfile, rows: MappedRow[], report: ImportReport): Promise<void> {
  const groups = new Map<string, MappedRow[]>();
  for (const r of rows) groups.set(r.groupKey, [...(groups.get(r.groupKey) ?? []), r]);
  const entries = [...groups.entries()];
  for (let i = 0; i < entries.length; i += 500) {
    const part = entries.slice(i, i + 500);
    const bidx = await Promise.all(part.map(([k]) => ctx.keys.blindIndex(ctx.db, orgId, keyOf(profile.dataset, k))));
    const known = await inTransaction(ctx.db, writeScope(actor), (trx) => lookupKeys(trx, orgId, profile.dataset, bidx));
    const fresh: [string, MappedRow[]][] = [];
    part.forEach(([k, rs], j) => {
      const hit = known.get(bidx[j]!.toString('hex'));
      if (!hit) {
        fresh.push([k, rs]);
        report.created++;
        const c = contentCounts(mergeGroup({ key: '', rows: rs }));
        report.toCreate.incidents++;
        report.toCreate.victims += c.victims;
        report.toCreate.acts += c.acts;
        report.toCreate.perpetratorLinks += c.perpetratorLinks;
      }
      else if (hit.hash === groupHash(rs)) report.unchanged++;
      else report.updated++;
    });
    await checkDuplicates(ctx, actor, profile, fresh, report);
  }
}

/**
 * The possible-duplicate check of the intake, for the incidents an import would create: each new
 * incident (its date, state, victims' names and act types) against the cases the importer may
 * read. Only the first `duplicateCheckLimit` are checked, so a dry run of a large file stays quick.
 */
async function checkDuplicates(ctx: Ctx, actor: Actor, profile: ImportProfile, groups: [string, MappedRow[]][], report: ImportReport): Promise<void> {
  for (const [key, rs] of groups) {
    if (report.duplicatesChecked >= duplicateCheckLimit) return;
    report.duplicatesChecked++;
    const { incident, acts } = mergeGroup({ key, rows: rs });
    const found = await findPossibleDuplicates(ctx, actor, {
      subject: `import:${profile.dataset}:${key}`,
      date: incident.startDate,
      subdivision: incident.subdivision,
      victimNames: [...new Set(acts.map((a) => a.victim.name).filter((n) => n !== ''))],
      actTypes: [...new Set(acts.map((a) => a.actType))],
    });
    if (found.length) {
      report.duplicates.push({
        line: rs[0]!.line,
        title: incident.title,
        candidates: found.map((c) => ({ incidentId: c.incidentId, title: c.title, date: c.date, subdivision: c.subdivision, own: c.own })),
      });
    }
  }
}

export function groupHash(rows: { incident: MappedIncident; acts: MappedAct[] }[]): string {
  return contentHash(rows.map((r) => ({ incident: r.incident, acts: r.acts })));
}

export interface Group {
  key: string;
  rows: { line: number; incident: MappedIncident; acts: MappedAct[] }[];
}

/** The incident of a group is its first row's; its acts are every row's acts, deduplicated. */
export function mergeGroup(g: Group): { incident: MappedIncident; acts: MappedAct[] } {
  const seen = new Set<string>();
  const acts: MappedAct[] = [];
  for (const r of g.rows) {
    for (const a of r.acts) {
      const k = canonicalJson(a);
      if (!seen.has(k)) {
        seen.add(k);
        acts.push(a);
      }
    }
  }
  return { incident: g.rows[0]!.incident, acts };
}
