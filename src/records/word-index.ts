/**
 * The keyed word index of encrypted narratives (issue 17 §3): whole words, folded like names
 * (case, accents and punctuation do not matter), stored only as keyed tokens (Keyring.wordTokens)
 * in incident_word. Every writer of an encrypted narrative calls this module: the record commands
 * one incident at a time, the bulk import a batch of rows at a time (wordIndexRows + insertWordRows).
 */
import { sql } from 'kysely';
import { normaliseForIndex, type Ctx } from '../access/index.js';
import type { DB } from '../store/index.js';

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
