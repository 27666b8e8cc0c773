/**
 * The import preview looks for possible duplicates (issue 17 §1): the new incidents a dry run would
 * create are checked against the cases the importer may read, as at the intake, and listed with
 * their first row and links; a file about other cases gives none.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../access/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { runImport } from './index.js';
import { sheetCsv, sheetProfile } from './testing/spanish-sheet.js';

describe.each(engines)('possible duplicates in the import preview on %s', (engine) => {
  let t: TestDb;
  let user: UserActor;
  let other: UserActor;
  let n = 0;
  const file = (text: string) => {
    const p = join(t.dataDir, `dup-${n++}.csv`);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    user = await makeUser(t, await makeOrg(t), 'documenter', [], { totp: false });
    other = await makeUser(t, await makeOrg(t), 'documenter', [], { totp: false });
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('lists the rows that look like cases already held, with links, and only for the importer', async () => {
    const f = file(sheetCsv(20));
    const first = await runImport(t, user, { profile: sheetProfile('first'), file: f, lang: 'es', dryRun: true });
    expect(first.duplicatesChecked).toBe(20);
    expect(first.duplicates).toEqual([]);
    expect(await runImport(t, user, { profile: sheetProfile('first'), file: f, lang: 'es' })).toMatchObject({ state: 'complete', created: 20 });
    // The same cases under another dataset (another spreadsheet of the same events): each is new
    // to the import but a likely duplicate of a case held.
    const again = await runImport(t, user, { profile: sheetProfile('second'), file: f, lang: 'es', dryRun: true });
    expect(again.created).toBe(20);
    expect(again.duplicates.length).toBeGreaterThanOrEqual(18);
    expect(again.duplicates[0]!.candidates[0]).toMatchObject({ own: true, incidentId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // Another organisation holds none of them.
    const theirs = await runImport(t, other, { profile: sheetProfile('second'), file: f, lang: 'es', dryRun: true });
    expect(theirs.duplicates).toEqual([]);
  });
});
