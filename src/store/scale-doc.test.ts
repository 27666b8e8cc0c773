/**
 * docs/scale.md places every table of the schema (distributed, reference or coordinator-only): a
 * migration that adds a table without saying where it goes on Citus fails here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'scale.md'), 'utf8');

describe('docs/scale.md', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('pglite');
  });
  afterAll(async () => t?.cleanup());

  it('names every table of the schema', async () => {
    const r = await sql<{ t: string }>`
      SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`.execute(t.ownerDb);
    expect(r.rows.length).toBeGreaterThan(30);
    const missing = r.rows.map((x) => x.t).filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
