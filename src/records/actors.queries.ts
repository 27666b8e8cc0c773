/**
 * The directory of actors: defenders, organisations and groups the user may see — every actor of
 * the own organisation, and a partner's actor named as victim in a case shared with the user's
 * coalitions (presented as the shares allow: no name unless every such case shares names).
 */
import { exactCreatedAt } from './cursor-time.js';
import { sql } from 'kysely';
import { authorize, readScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { inTransaction } from '../store/index.js';
import type { Row } from './record-store.js';
import { ownCondition, partnerViewerForActor, sharedCondition } from './record-scope.js';
import { presentRow, type Presented, type Viewer } from './records.present.js';

export interface ActorQuery {
  /** A full name (through the blind index of the own organisation: accents and case folded). */
  q?: string | undefined;
  kind?: 'person' | 'organisation' | 'group' | undefined;
  sector?: string | undefined;
  cursor?: string | undefined;
  limit?: number;
}

export interface ActorEntry extends Presented {
  /** Acts naming this actor as victim in cases the user may see. */
  actCount: number;
}

export async function listActors(ctx: Ctx, actor: Actor, query: ActorQuery): Promise<{ items: ActorEntry[]; nextCursor: string | null }> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  const limit = query.limit ?? 50;
  let after: [string, string] | null = null;
  if (query.cursor) {
    const [at, id] = Buffer.from(query.cursor, 'base64url').toString('utf8').split('|');
    if (!at || !id || !isId(id) || Number.isNaN(Date.parse(at))) throw new AppError('validation', { issues: [{ path: ['cursor'], key: 'records:bad_cursor' }] });
    after = [at, id];
  }
  const q = query.q?.trim();
  return inTransaction(ctx.db, scope, async (trx) => {
    const byName = q
      ? await Promise.all(scope.organisationIds.map(async (org) => sql`(t.organisation_id = ${org}::uuid AND t.name_bidx = ${await ctx.keys.blindIndex(trx, org, q)})`))
      : [];
    const where = [
      sql`t.archived_at IS NULL`,
      // A name search looks in the own organisation only (a partner's names are keyed with its key).
      q ? (byName.length ? sql`(${sql.join(byName, sql` OR `)})` : sql`false`) : sql`(${ownCondition(scope)} OR ${sharedCondition('actor', scope)})`,
      ...(query.kind ? [sql`t.kind = ${query.kind}`] : []),
      ...(query.sector ? [sql`${query.sector} = ANY(t.sectors)`] : []),
      ...(after ? [sql`(t.created_at, t.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`] : []),
    ];
    const rows = (
      await sql<Row & { act_count: string }>`SELECT t.*, (SELECT count(*) FROM act a WHERE a.organisation_id = t.organisation_id AND a.victim_id = t.id
          AND a.archived_at IS NULL AND (a.organisation_id = ANY(${scope.organisationIds as string[]}::uuid[])
            OR EXISTS (SELECT 1 FROM record_share s JOIN incident si ON si.organisation_id = s.organisation_id AND si.id = s.incident_id
              WHERE s.organisation_id = a.organisation_id AND s.incident_id = a.incident_id AND si.archived_at IS NULL
                AND s.coalition_id = ANY(${scope.coalitionIds as string[]}::uuid[])))) AS act_count
        FROM actor t WHERE ${sql.join(where, sql` AND `)}
        ORDER BY t.created_at DESC, t.id DESC LIMIT ${limit + 1}`.execute(trx)
    ).rows;
    const items: ActorEntry[] = [];
    for (const r of rows.slice(0, limit)) {
      const viewer: Viewer = scope.organisationIds.includes(r.organisation_id) ? { kind: 'owner' } : await partnerViewerForActor(trx, scope, r.organisation_id, r.id);
      const { act_count, ...row } = r;
      items.push({ ...(await presentRow(ctx, trx, 'actor', row as Row, viewer)), actCount: Number(act_count) });
    }
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? Buffer.from(`${await exactCreatedAt(trx, 'actor', last.organisation_id, last.id)}|${last.id}`).toString('base64url') : null };
  });
}
