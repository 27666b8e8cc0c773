/** Apply: the staged rows of a job written in one transaction (see import.service). */
import { actorOrganisation, actorUserId, writeScope, type Actor, type Ctx } from '../access/index.js';
import { getRow, insertRecord, replaceIncidentWords, updateRecord, type Row, type Who } from '../records/index.js';
import { newId } from '../shared/ids.js';
import { appendAudit, bulkPossible, canonicalJson, inTransaction, withBulkLoad, type DB } from '../store/index.js';
import { sql } from 'kysely';
import type { ImportProfile } from './import-profile.js';
import { datasetHasKeys, deleteStaging, externalIdAad, lookupKeys, setJobState, stagedPage, tableTypes, type JobRow, type KnownKey } from './import.queries.js';
import type { MappedAct, MappedIncident } from './map-row.js';
import { bulkImportFrom, summary, type ImportProgress, type ImportReport } from './import-report.js';
import { groupHash, keyOf, mergeGroup, type Group } from './import-dry-run.js';
import { incidentColumns, Writer } from './import-writer.js';

/**
 * Staged rows read per page, and groups (incidents) written per flush. With a batch being written
 * while the next is prepared, 5,000 and 2,500 took the peak RSS of a 1,000,000-row import to 561 MB
 * (the bound is 500 MB); half of each keeps both batches smaller.
 */
const PAGE = 2500;
export function who(actor: Actor): Who {
  return { organisationId: actorOrganisation(actor), userId: actorUserId(actor), requestId: actor.requestId };
}

export const GROUPS = 1250;

export async function applyJob(
  ctx: Ctx,
  actor: Actor,
  job: JobRow,
  profile: ImportProfile,
  report: ImportReport,
  perFlush: number,
  bulkOption: boolean | 'auto',
  onProgress?: (p: ImportProgress) => void,
): Promise<void> {
  const w = who(actor);
  const orgId = w.organisationId;
  const reason = `import ${job.id}`;
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const staged = Number(job.rows_staged) || report.valid;
    // The dataset's first release: every group is new (no key to look up), and no update needs
    // the indexes a bulk load drops.
    const firstRelease = !(await datasetHasKeys(trx, orgId, profile.dataset));
    report.bulk = bulkOption === true || (bulkOption === 'auto' && staged >= bulkImportFrom && firstRelease && (await bulkPossible(trx, staged)));
    const apply = async () => {
      await setJobState(trx, orgId, job.id, 'applying');
      onProgress?.({ phase: 'apply', rows: 0, total: staged });
      const types = {
        incident: await tableTypes(trx, 'incident'),
        actor: await tableTypes(trx, 'actor'),
        act: await tableTypes(trx, 'act'),
        involvement: await tableTypes(trx, 'involvement'),
      };
      const writer = new Writer(ctx, trx, w, profile, types);
      let pending: Group | null = null;
      const groups: Group[] = [];
      let appliedRows = 0;

      // The database writes one batch while the next is prepared here (decrypting, encrypting,
      // hashing): one write at a time, on the transaction's connection, in order.
      let writing: Promise<void> = Promise.resolve();
      const write = async () => {
        await writing;
        const batch = writer.flush(job.id, reason);
        // Awaited before the next write or at the end; meanwhile its failure is not "unhandled".
        batch.catch(() => {});
        writing = batch;
      };

      const processGroups = async (gs: Group[]) => {
        const bidx = await Promise.all(gs.map((g) => ctx.keys.blindIndex(trx, orgId, keyOf(profile.dataset, g.key))));
        const known = firstRelease ? new Map<string, KnownKey>() : await lookupKeys(trx, orgId, profile.dataset, bidx);
        // The source's own id (not a content hash "h:…"), sealed, so that exports can carry it.
        const sealedId = (i: number) =>
          gs[i]!.key.startsWith('h:') ? Promise.resolve(null) : ctx.keys.encrypt(trx, orgId, externalIdAad(bidx[i]!), gs[i]!.key);
        for (let i = 0; i < gs.length; i++) {
          const g = gs[i]!;
          if (g.rows.length > 1) report.mergedRows += g.rows.length - 1;
          const content = mergeGroup(g);
          const hash = groupHash(g.rows);
          const hit = known.get(bidx[i]!.toString('hex'));
          if (!hit) {
            await writer.addNew(content, bidx[i]!, hash, await sealedId(i));
            report.created++;
          } else if (hit.hash === hash) {
            report.unchanged++;
            // A key from before source ids were kept learns its id; the incident is not touched.
            const id = hit.hasExternalId ? null : await sealedId(i);
            if (id) writer.keys.push({ bidx: bidx[i]!, incidentId: hit.incidentId, hash, externalIdEnc: id });
          } else {
            const exists = await getRow(trx, 'incident', orgId, hit.incidentId);
            if (!exists || exists.archived_at) {
              await writer.addNew(content, bidx[i]!, hash, await sealedId(i));
              report.created++;
            } else {
              await updateImported(ctx, trx, w, writer, exists, content, reason);
              writer.keys.push({ bidx: bidx[i]!, incidentId: hit.incidentId, hash, externalIdEnc: await sealedId(i) });
              report.updated++;
            }
          }
        }
        await write();
      };

      // The next page is asked for as soon as this one arrives, so that it is read before the
      // writes queued after it.
      let nextPage = stagedPage(trx, orgId, job.id, null, PAGE);
      try {
        for (;;) {
          const page = await nextPage;
          if (!page.length) break;
          const last = page[page.length - 1]!;
          nextPage = stagedPage(trx, orgId, job.id, { groupKey: last.group_key, line: Number(last.line) }, PAGE);
          nextPage.catch(() => {});
          for (const s of page) {
            const line = Number(s.line);
            const plain = JSON.parse(await ctx.keys.decrypt(trx, orgId, `import_staging.payload:${job.id}:${line}`, s.payload)) as {
              incident: MappedIncident;
              acts: MappedAct[];
            };
            if (pending && pending.key === s.group_key) pending.rows.push({ line, ...plain });
            else {
              if (pending) groups.push(pending);
              pending = { key: s.group_key, rows: [{ line, ...plain }] };
            }
          }
          while (groups.length >= perFlush) {
            const part = groups.splice(0, perFlush);
            await processGroups(part);
            for (const g of part) appliedRows += g.rows.length;
            onProgress?.({ phase: 'apply', rows: appliedRows, total: staged });
          }
        }
        if (pending) groups.push(pending);
        if (groups.length) await processGroups(groups);
        await writing;
      } catch (e) {
        // Nothing of this transaction may still be on its way when it rolls back: a statement sent
        // after the ROLLBACK would run on its own, outside it.
        await Promise.allSettled([writing, nextPage]);
        throw e;
      }
      for (const g of groups) appliedRows += g.rows.length;
      onProgress?.({ phase: 'apply', rows: appliedRows, total: staged });

      await appendAudit(trx, {
        organisationId: orgId,
        userId: w.userId,
        action: 'import.apply',
        objectTable: 'import_job',
        objectId: job.id,
        requestId: actor.requestId ?? null,
        detail: { dataset: profile.dataset, ...summary(report) },
      });
      await deleteStaging(trx, orgId, job.id);
      await setJobState(trx, orgId, job.id, 'complete', summary(report));
    };
    await (report.bulk ? withBulkLoad(trx, [orgId], apply) : apply());
  });
  onProgress?.({ phase: 'done', rows: report.rows, total: report.rows });
}

const incidentFieldCols = ['title', 'narrative', 'narrative_enc', 'narrative_sensitive', 'start_date', 'start_precision', 'start_approximate', 'end_date', 'end_precision', 'end_approximate', 'country', 'subdivision', 'place_name', 'status', 'language'];

/**
 * A newer release changed this group: update the incident's fields that differ (a new version
 * with history), archive acts no longer listed, and add the new ones. Acts are matched by act type
 * and victim name (through the blind index, so no name is decrypted).
 */
async function updateImported(ctx: Ctx, trx: DB, w: Who, writer: Writer, existing: Row, content: { incident: MappedIncident; acts: MappedAct[] }, reason: string): Promise<void> {
  const orgId = w.organisationId;
  let narrativeEnc: Buffer | null = null;
  const oldNarrative = existing.narrative_enc
    ? await ctx.keys.decrypt(trx, orgId, `incident.narrative_enc:${existing.id}`, existing.narrative_enc as Buffer)
    : ((existing.narrative as string | null) ?? null);
  const next = incidentColumns(content.incident, null);
  const changed: Record<string, unknown> = {};
  for (const c of incidentFieldCols) {
    if (c === 'narrative' || c === 'narrative_enc' || c === 'narrative_sensitive') continue;
    const a = existing[c] ?? null;
    const b = next[c] ?? null;
    if (String(a) !== String(b)) changed[c] = b;
  }
  if ((content.incident.narrative ?? null) !== oldNarrative) {
    await replaceIncidentWords(ctx, trx, orgId, existing.id, null);
    narrativeEnc = await writer.narrative(existing.id, content.incident);
    Object.assign(changed, { narrative: narrativeEnc ? null : content.incident.narrative, narrative_enc: narrativeEnc, narrative_sensitive: narrativeEnc !== null });
  }
  if (Object.keys(changed).length) await updateRecord(trx, 'incident', w, existing.id, existing.version, changed, { reason });

  const acts = (await sql<Row & { name_bidx: Buffer }>`SELECT a.*, v.name_bidx FROM act a JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
    WHERE a.organisation_id = ${orgId} AND a.incident_id = ${existing.id} AND a.archived_at IS NULL`.execute(trx)).rows;
  const wanted = new Map<string, MappedAct[]>();
  for (const a of content.acts) {
    const k = `${a.actType}:${(await ctx.keys.blindIndex(trx, orgId, a.victim.name)).toString('hex')}`;
    wanted.set(k, [...(wanted.get(k) ?? []), a]);
  }
  for (const a of acts) {
    const k = `${a.act_type as string}:${a.name_bidx.toString('hex')}`;
    const list = wanted.get(k);
    if (list?.length) {
      const want = list.shift()!;
      const cols: Record<string, unknown> = {};
      const values = await writer.actValues(a.id, existing.id, a.victim_id as string, content.incident, want);
      for (const c of ['start_date', 'start_precision', 'start_approximate', 'end_date', 'end_precision', 'end_approximate', 'country', 'subdivision']) {
        if (String(a[c] ?? null) !== String((values as Record<string, unknown>)[c] ?? null)) cols[c] = (values as Record<string, unknown>)[c];
      }
      // Notes are encrypted (a fresh nonce each time): compare the texts, not the ciphertexts.
      const oldNotes = await ctx.keys.decryptOptional(trx, orgId, `act.notes_enc:${a.id}`, (a.notes_enc as Buffer | null) ?? null);
      if ((oldNotes ?? null) !== (want.notes ?? null)) cols.notes_enc = values.notes_enc;
      if (Object.keys(cols).length) await updateRecord(trx, 'act', w, a.id, a.version, cols, { reason });
      const inv = (await sql<Row>`SELECT * FROM involvement WHERE organisation_id = ${orgId} AND act_id = ${a.id} AND archived_at IS NULL`.execute(trx)).rows;
      const have = inv.map((i) => i.perpetrator_type as string).sort();
      if (canonicalJson(have) !== canonicalJson([...want.perpetratorTypes].sort())) {
        for (const i of inv) await updateRecord(trx, 'involvement', w, i.id, i.version, {}, { reason, action: 'archive' });
        for (const p of want.perpetratorTypes) await insertRecord(trx, 'involvement', w, newId(), { act_id: a.id, perpetrator_type: p }, reason);
      }
    } else {
      await updateRecord(trx, 'act', w, a.id, a.version, {}, { reason, action: 'archive' });
    }
  }
  const rest = [...wanted.values()].flat();
  if (rest.length) await writer.addActs(existing.id, content.incident, rest);
}
