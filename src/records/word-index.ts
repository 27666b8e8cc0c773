/**
 * The keyed word index of encrypted narratives (issue 17 §3): whole words, folded like names
 * (case, accents and punctuation do not matter), stored only as keyed tokens (Keyring.wordTokens)
 * in incident_word. Every writer of an encrypted narrative calls this module: the record commands
 * one incident at a time, the bulk import a batch of rows at a time (wordIndexRows + insertWordRows).
 */
import { sql } from 'kysely';
import { normaliseForIndex, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { inTransaction, systemScope, type DB } from '../store/index.js';

/** Words shorter than this are not indexed (nor searched): they say little and match everywhere. */
const minWord = 2;
const maxWord = 64;

/** The distinct whole words of a text, folded for the index. */
export function indexWords(text: string): string[] {
  const out = new Set<string>();
  for (const w of normaliseForIndex(text).split(' ')) if (w.length >= minWord && w.length <= maxWord) out.add(w);
  return [...out];
}

export interface WordRow {
  organisation_id: string;
  incident_id: string;
  token: Buffer;
}

/** The index rows of one incident's encrypted narrative (none without one). */
export async function wordIndexRows(ctx: Ctx, db: DB, orgId: string, incidentId: string, narrative: string | null): Promise<WordRow[]> {
  if (!narrative) return [];
  const tokens = await ctx.keys.wordTokens(db, orgId, indexWords(narrative));
  return tokens.map((token) => ({ organisation_id: orgId, incident_id: incidentId, token }));
}

/** Writes index rows in one statement per 10,000 (arrays, so a batch of an import is one round trip). */
export async function insertWordRows(trx: DB, rows: readonly WordRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 10_000) {
    const part = rows.slice(i, i + 10_000);
    await sql`INSERT INTO incident_word (organisation_id, incident_id, token)
      SELECT * FROM unnest(${part.map((r) => r.organisation_id)}::uuid[], ${part.map((r) => r.incident_id)}::uuid[], ${part.map((r) => r.token)}::bytea[])
      ON CONFLICT DO NOTHING`.execute(trx);
  }
}

/** Replaces an incident's index rows after its narrative changed (encrypted: indexed; plain or none: not). */
export async function replaceIncidentWords(ctx: Ctx, trx: DB, orgId: string, incidentId: string, encryptedNarrative: string | null): Promise<void> {
  await trx.deleteFrom('incident_word').where('organisation_id', '=', orgId).where('incident_id', '=', incidentId).execute();
  await insertWordRows(trx, await wordIndexRows(ctx, trx, orgId, incidentId, encryptedNarrative));
}

/** What a search's words become for one organisation's keyed indexes. */
export interface KeyedSearch {
  organisationId: string;
  /** Tokens of every word of the search: an incident matches when its narrative has them all. */
  tokens: Buffer[];
  /** Blind index of the whole search as a name: an incident matches when a victim has that name. */
  nameIndex: Buffer;
}

/** The keyed forms of a search for each of the scope's own organisations (never a partner's). */
export async function keyedSearch(ctx: Ctx, db: DB, organisationIds: readonly string[], words: string): Promise<KeyedSearch[]> {
  const list = indexWords(words);
  return Promise.all(
    organisationIds.map(async (organisationId) => ({
      organisationId,
      tokens: list.length ? await ctx.keys.wordTokens(db, organisationId, list) : [],
      nameIndex: await ctx.keys.blindIndex(db, organisationId, words),
    })),
  );
}

export interface WordBackfillResult {
  /** Encrypted narratives indexed now (written before the index existed, or restored without it). */
  indexed: number;
  /** Organisations whose keys could not be opened (sealed): left for a later start. */
  skipped: number;
}

/**
 * Indexes the encrypted narratives that have no index rows: those written before migration 066
 * created the index (and any restored without it). Run at start-up, organisation by organisation
 * (the tokens are keyed per organisation), in batches of `batch` incidents each in its own
 * transaction, walking ids upward. Idempotent: a second run indexes nothing (a narrative without
 * any indexable word, such as "a y o", has no rows and is read again at each start, to no effect).
 */
export async function backfillWordIndex(ctx: Ctx, opts: { batch?: number } = {}): Promise<WordBackfillResult> {
  const batch = opts.batch ?? 500;
  const result: WordBackfillResult = { indexed: 0, skipped: 0 };
  const orgs = await ctx.db.selectFrom('organisation').select('id').execute();
  for (const { id: org } of orgs) {
    let after = '00000000-0000-0000-0000-000000000000';
    try {
      for (;;) {
        const done = await inTransaction(ctx.db, systemScope([org]), async (trx) => {
          const rows = (
            await sql<{ id: string; narrative_enc: Buffer }>`SELECT i.id, i.narrative_enc FROM incident i
              WHERE i.organisation_id = ${org} AND i.narrative_enc IS NOT NULL AND i.id > ${after}::uuid
                AND NOT EXISTS (SELECT 1 FROM incident_word w WHERE w.organisation_id = i.organisation_id AND w.incident_id = i.id)
              ORDER BY i.id LIMIT ${batch}`.execute(trx)
          ).rows;
          const out: WordRow[] = [];
          let indexed = 0;
          for (const r of rows) {
            const text = await ctx.keys.decrypt(trx, org, `incident.narrative_enc:${r.id}`, r.narrative_enc);
            const words = await wordIndexRows(ctx, trx, org, r.id, text);
            if (words.length) indexed++;
            out.push(...words);
          }
          await insertWordRows(trx, out);
          if (rows.length) after = rows[rows.length - 1]!.id;
          return { read: rows.length, indexed };
        });
        result.indexed += done.indexed;
        if (done.read < batch) break;
      }
    } catch (e) {
      if (e instanceof AppError && e.code === 'locked') {
        result.skipped++;
        continue;
      }
      throw e;
    }
  }
  return result;
}
