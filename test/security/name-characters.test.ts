/**
 * Issue 19, point 12 — names are one line of visible text. An organisation name, a display name or a
 * coalition name with a line break (a second mail header: "\r\nBcc: …"), a terminal escape
 * sequence (`org list` rewriting the operator's screen) or a direction override (U+202E, a name
 * reading reversed on every page and PDF) is refused with a clear message, through every way in:
 * the functions, the installation page and `atalaya org create|rename`. Ordinary names — accents,
 * Arabic or Hebrew with their own direction, emoji, quotes and angle brackets — are kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, isOneLineName, renameOrganisation, setUpOrganisation } from '../../src/access/index.js';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { createCoalitionFor } from '../../src/coalitions/coalitions.commands.js';
import { createServerDatabase, engines, openTestDb, type TestDb } from '../support/db.js';
import { makeUser, testPassword } from '../support/factories.js';

const hostile = [
  'Red\r\nBcc: intruso@example.net',
  'Red\nSubject: otra cosa',
  'Observatorio \u001b]0;hacked\u0007\u001b[2J',
  'Informe\u202Efdp.exe',
  'Nombre\u2066aislado\u2069',
  'Tab\tulado',
  'Separador\u2028de línea',
  'Nulo\u0000',
  'C1\u0085control',
];
const fine = ['Observatorio «Ñandú» & Cía.', 'مرصد حقوق الإنسان', 'ארגון זכויות', 'Colectiva 🌻 "Las Madres"', '<b>Red</b> de defensoras', 'Łódź – Győr'];

describe('isOneLineName', () => {
  it('refuses every string with a control, separator or direction character and keeps the rest', () => {
    for (const s of hostile) expect([s, isOneLineName(s)]).toEqual([s, false]);
    for (const s of fine) expect([s, isOneLineName(s)]).toEqual([s, true]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('\n', '\r', '\u001b', '\u202e', '\u2029', '\u0007'), fc.nat(40), (s, bad, at) => {
        const i = Math.min(at, s.length);
        return !isOneLineName(s.slice(0, i) + bad + s.slice(i));
      }),
    );
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'abcñÑ éü«»<>&"\'🌻مא-'.split('')), maxLength: 60 }), (s) => isOneLineName(s)));
  });
});

describe.each(engines)('names with control or direction characters are refused (%s)', (engine) => {
  let t: TestDb;
  let org = '';
  beforeAll(async () => {
    t = await openTestDb(engine);
    org = (await setUpOrganisation(t, { slug: 'nombres', name: 'Organización de nombres', lang: 'es', timeZone: 'UTC' })).id;
  });
  afterAll(async () => t?.cleanup());

  it('through the functions: organisation, display name and coalition names', async () => {
    const admin = await makeUser(t, org, 'admin');
    for (const [i, name] of hostile.entries()) {
      await expect(setUpOrganisation(t, { slug: `mala-${i}`, name, lang: 'es', timeZone: 'UTC' })).rejects.toMatchObject({ code: 'validation' });
      await expect(renameOrganisation(t.db, 'nombres', name)).rejects.toMatchObject({ code: 'validation' });
      await expect(createUser(t.db, { email: `mala-${i}@example.org`, displayName: name, password: testPassword, memberships: [{ organisationId: org, role: 'viewer' }] })).rejects.toMatchObject({
        code: 'validation',
        issues: [{ key: 'access:name_characters' }],
      });
      await expect(createCoalitionFor(t, admin, { name: `Coalición ${name}` })).rejects.toMatchObject({ code: 'validation' });
    }
    const orgs = await t.db.selectFrom('organisation').select('name').execute();
    expect(orgs.map((o) => o.name)).toEqual(['Organización de nombres']);
    for (const [i, name] of fine.entries()) await setUpOrganisation(t, { slug: `buena-${i}`, name, lang: 'es', timeZone: 'UTC' });
    await renameOrganisation(t.db, 'nombres', fine[0]!);
    expect((await t.db.selectFrom('organisation').select('name').where('id', '=', org).executeTakeFirstOrThrow()).name).toBe(fine[0]);
  });
});

describe.each(engines)('`atalaya org create|rename` with a hostile name (%s)', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-names-'));
  const env: Record<string, string> = { ATALAYA_DATA: dir, ATALAYA_PUBLIC_URL: 'https://atalaya.example.org', ATALAYA_LOG_LEVEL: 'silent' };
  let drop = async () => {};
  beforeAll(async () => {
    if (engine === 'postgres') {
      const created = await createServerDatabase(process.env.DATABASE_URL!);
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const io: CliIO = { out: (l) => lines.push(l), err: (l) => lines.push(l), lang: 'es', env, tty: false };
    return { code: await main(argv, io), text: lines.join('\n') };
  };

  it('refuses with exit 2 and says why in Spanish; the terminal never receives the escape sequence', async () => {
    const r = await run('org', 'create', 'terminal', '--name', 'Observatorio \u001b]0;hacked\u0007\u001b[2J');
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/una sola línea de texto visible/);
    expect(r.text).not.toContain('\u001b');
    expect((await run('org', 'create', 'terminal', '--name', 'Observatorio Terminal')).code).toBe(0);
    const r2 = await run('org', 'rename', 'terminal', '--name', 'Informe\u202Efdp.exe');
    expect(r2.code).toBe(2);
    expect(r2.text).toMatch(/invierten la dirección/);
    const list = await run('org', 'list');
    expect(list.text).toContain('Observatorio Terminal');
  }, 120_000);
});
