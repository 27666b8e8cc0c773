/**
 * Transactions carry the tenant scope the policy returned. On a PostgreSQL server the scope is
 * also set as transaction-local settings that row-level security reads (the second wall); on PGlite
 * the settings are harmless. Inside `fn`, use only `trx`: PGlite has one connection, so touching
 * the outer handle there would wait for this very transaction.
 */
import { sql } from 'kysely';
import type { DB } from './db.js';

export interface Scope {
  /** Organisations whose own records may be read or written in this transaction. */
  organisationIds: readonly string[];
  /** Coalitions through which shared records may be read. */
  coalitionIds: readonly string[];
  userId: string | null;
  /** Published rows of every organisation may be read (portal). */
  public?: boolean;
}

export const systemScope = (organisationIds: readonly string[] = []): Scope => ({
  organisationIds,
  coalitionIds: [],
  userId: null,
});

export async function setScope(trx: DB, scope: Scope): Promise<void> {
  await sql`SELECT set_config('atalaya.org_ids', ${scope.organisationIds.join(',')}, true),
                   set_config('atalaya.coalition_ids', ${scope.coalitionIds.join(',')}, true),
                   set_config('atalaya.user_id', ${scope.userId ?? ''}, true),
                   set_config('atalaya.public', ${scope.public ? 'on' : 'off'}, true)`.execute(trx);
}

export async function inTransaction<T>(db: DB, scope: Scope, fn: (trx: DB) => Promise<T>): Promise<T> {
  const after: (() => void)[] = [];
  const result = await db.transaction().execute(async (trx) => {
    afterCommitOf.set(trx, after);
    await setScope(trx, scope);
    return fn(trx);
  });
  for (const f of after) f();
  return result;
}

const afterCommitOf = new WeakMap<object, (() => void)[]>();

/**
 * Runs `f` once the transaction `trx` (opened by `inTransaction`) has committed, and never if it
 * rolls back: for in-memory state that must not be refreshed from data still uncommitted. Outside
 * such a transaction `f` runs at once.
 */
export function afterCommit(trx: DB, f: () => void): void {
  const list = afterCommitOf.get(trx);
  if (list) list.push(f);
  else f();
}

/** The scope of a signed-in user before an organisation is chosen: their own memberships only. */
export const userScope = (userId: string): Scope => ({ organisationIds: [], coalitionIds: [], userId });

/** The scope of public reads: published rows only. */
export const publicScope: Scope = { organisationIds: [], coalitionIds: [], userId: null, public: true };
