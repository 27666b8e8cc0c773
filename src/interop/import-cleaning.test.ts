/**
 * Someone else's spreadsheet: dates in month/day order, "NA" for unknown, several perpetrators in
 * one cell, names with commas. Each test imports a small file and reads back what was stored.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { writeScope, type UserActor } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { t as tr } from '../shared/i18n/index.js';
import { inTransaction } from '../store/index.js';
import { parseProfile } from './import-profile.js';
import { dateDecisionText, runImport } from './import.service.js';

const header = 'Id,Date,Name,Place,Perpetrators,Act\n';

describe.each(engines)('cleaning imports on %s', (engine) => {
  let t: TestDb;
  let user: UserActor;
  let n = 0;
  const file = (text: string) => {
    const p = join(t.dataDir, `clean-${n++}.csv`);
    writeFileSync(p, text);
    return p;
  };
  const profile = (dataset: string, extra: Record<string, unknown> = {}) =>
    parseProfile(
      {
        version: 1,
        dataset,
        columns: { externalId: 'Id', startDate: 'Date', victims: 'Name', placeName: 'Place', perpetratorType: 'Perpetrators', actType: 'Act' },
        defaults: { country: 'CO' },
        language: 'en',
        ...extra,
      },
      'en',
    );
  const stored = (dataset: string) =>
    inTransaction(t.db, writeScope(user), async (trx) => {
      const incidents = (
        await sql<{ ext: string; start_date: string | null; place_name: string | null; acts: string; links: string; victims: string }>`
          SELECT i.title AS ext, i.start_date::text AS start_date, i.place_name,
            (SELECT count(*) FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id) AS acts,
            (SELECT count(*) FROM act a JOIN involvement v ON v.organisation_id = a.organisation_id AND v.act_id = a.id WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id) AS links,
            (SELECT count(DISTINCT a.victim_id) FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id) AS victims
          FROM incident i JOIN import_key k ON k.organisation_id = i.organisation_id AND k.incident_id = i.id
          WHERE k.dataset = ${dataset} ORDER BY i.title`.execute(trx)
      ).rows;
      const perps = (
        await sql<{ perpetrator_type: string }>`SELECT v.perpetrator_type FROM involvement v JOIN act a ON a.organisation_id = v.organisation_id AND a.id = v.act_id
          JOIN import_key k ON k.organisation_id = a.organisation_id AND k.incident_id = a.incident_id WHERE k.dataset = ${dataset} ORDER BY 1`.execute(trx)
      ).rows.map((r) => r.perpetrator_type);
      return { incidents, perps };
    });
  const question = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (e instanceof AppError) return e.issues;
      throw e;
    }
    throw new Error('no question asked');
  };

  beforeAll(async () => {
    t = await openTestDb(engine);
    user = await makeUser(t, await makeOrg(t), 'documenter');
  });
  afterAll(async () => t.cleanup());

  it('reads a month/day file in month/day order, ambiguous dates included, and says why', async () => {
    const f = file(`${header}A1,2/10/2015,Ana,Cali,police,killing\nA2,3/25/2015,Luis,Cali,police,killing\nA3,12/1/2016,Rosa,Cali,police,killing\n`);
    const dry = await runImport(t, user, { profile: profile('md'), file: f, lang: 'en', dryRun: true });
    expect(dry.dates).toMatchObject([{ column: 'Date', order: 'month-day', reason: 'values', counts: { 'month-day': 1, ambiguous: 2, 'day-month': 0 } }]);
    expect(dateDecisionText('en', dry.dates[0]!)).toContain('month/day');
    const r = await runImport(t, user, { profile: profile('md'), file: f, lang: 'en', mode: 'valid-rows' });
    expect(r).toMatchObject({ state: 'complete', created: 3, rejected: 0 });
    const s = await stored('md');
    expect(s.incidents.map((i) => i.start_date).sort()).toEqual(['2015-02-10', '2015-03-25', '2016-12-01']);
  });

  it('stops an ambiguous-date file with a question, in the dry run and the import, until the profile names the order', async () => {
    const f = file(`${header}B1,2/10/2015,Ana,Cali,police,killing\nB2,3/4/2015,Luis,Cali,police,killing\n`);
    for (const dryRun of [true, false]) {
      const issues = await question(runImport(t, user, { profile: profile('amb'), file: f, lang: 'es', dryRun, mode: 'valid-rows' }));
      expect(issues[0]).toMatchObject({ path: ['dates', 'order'], key: 'interop:dates.unsettled', values: { column: 'Date', ambiguous: 2 } });
      expect(tr('es', issues[0]!.key, issues[0]!.values)).toMatch(/^¿En qué orden/);
    }
    expect((await stored('amb')).incidents).toHaveLength(0);
    const named = profile('amb', { dates: { order: 'month-day' } });
    const r = await runImport(t, user, { profile: named, file: f, lang: 'en' });
    expect(r.dates[0]).toMatchObject({ order: 'month-day', reason: 'profile' });
    expect((await stored('amb')).incidents.map((i) => i.start_date).sort()).toEqual(['2015-02-10', '2015-03-04']);
  });

  it('reports a mixed-order file with counts and examples and never imports it in two orders', async () => {
    const f = file(`${header}C1,25/3/2015,Ana,Cali,police,killing\nC2,3/26/2015,Luis,Cali,police,killing\nC3,27/3/2015,Rosa,Cali,police,killing\nC4,2/10/2015,Eva,Cali,police,killing\n`);
    const issues = await question(runImport(t, user, { profile: profile('mixed'), file: f, lang: 'en', mode: 'valid-rows' }));
    expect(issues[0]).toMatchObject({ key: 'interop:dates.contradictory', values: { dayMonth: 2, monthDay: 1, ambiguous: 1, monthDayExamples: '"3/26/2015"' } });
    expect((await stored('mixed')).incidents).toHaveLength(0);
    // With the order named, the dates of the other order are rejected, by line, never swapped.
    const r = await runImport(t, user, { profile: profile('mixed', { dates: { order: 'day-month' } }), file: f, lang: 'en', mode: 'valid-rows', dryRun: true });
    expect(r).toMatchObject({ valid: 3, rejected: 1 });
    expect(r.dates[0]).toMatchObject({ reason: 'profile', counts: { 'month-day': 1 } });
    expect(r.issues[0]).toMatchObject({ line: 3, column: 'Date', key: 'interop:row.date_other_order' });
  });

  it('reads null tokens as no value, shows them in the dry run, and lets a profile change them', async () => {
    const f = file(`${header}D1,NA,Ana,NA,police,killing\nD2,s/d,Luis,Sin dato,-,killing\nD3,2015-04-01,Rosa,Cali,N/A,killing\n`);
    const dry = await runImport(t, user, { profile: profile('nulls'), file: f, lang: 'en', dryRun: true });
    expect(dry.nullTokens).toEqual(['NA', 'N/A', '-', 's/d', 'sin dato', 'desconocido']);
    expect(dry).toMatchObject({ valid: 3, rejected: 0 });
    await runImport(t, user, { profile: profile('nulls'), file: f, lang: 'en' });
    const s = await stored('nulls');
    expect(s.incidents.map((i) => [i.start_date, i.place_name])).toEqual([
      [null, null],
      [null, null],
      ['2015-04-01', 'Cali'],
    ]);
    expect(s.perps).toEqual(['police']);
    // "NA" is a place only when the profile says no token means "no value".
    const kept = await runImport(t, user, { profile: profile('nulls2', { nullTokens: [] }), file: f, lang: 'en', dryRun: true });
    expect(kept.rejected).toBeGreaterThan(0);
  });

  it('splits each field by its own separator and maps one value to several codes, counting what will be created', async () => {
    const f = file(`${header}E1,2015-01-01,"Pérez, Ana; Gil, Luis",Cali,"Police, Armed forces",killing\nE2,2015-01-02,"Díaz, Rosa",Cali,"police, private_security",killing\n`);
    const p = profile('sep', {
      separator: ', ',
      separators: { victims: '; ' },
      values: { perpetratorType: { 'Police, Armed forces': ['police', 'military'] } },
    });
    const dry = await runImport(t, user, { profile: p, file: f, lang: 'en', dryRun: true });
    expect(dry).toMatchObject({ valid: 2, rejected: 0, toCreate: { incidents: 2, victims: 3, acts: 3, perpetratorLinks: 6 } });
    const r = await runImport(t, user, { profile: p, file: f, lang: 'en' });
    expect(r.created).toBe(2);
    const s = await stored('sep');
    expect(s.incidents.map((i) => [Number(i.victims), Number(i.acts), Number(i.links)])).toEqual([
      [2, 2, 4],
      [1, 1, 2],
    ]);
    expect(s.perps).toEqual(['military', 'military', 'police', 'police', 'police', 'private_security']);
    // A wrong separator is visible before the import: names split at ", " double the victims.
    const wrong = await runImport(t, user, { profile: profile('sep2', { separator: ', ', values: p.values }), file: f, lang: 'en', dryRun: true });
    expect(wrong.toCreate.victims).toBe(5);
  });

  it('reads synonyms of the file language, lists them in the dry run, and only suggests the rest', async () => {
    const csv =
      'Id,Date,Name,Gender,Country,Perpetrators,Act,Sector\n' +
      'S1,2015-01-01,Ana,Female,Democratic Republic of Congo,"Armed forces, Private military actors",Murder,Land rights\n' +
      'S2,2015-01-02,Luis,Male,Ivory Coast,Police,Killing,Journalist\n' +
      'S3,2015-01-03,Rosa,Femenino,DRC,Armed force,Killing,Land rights\n';
    const cols = { externalId: 'Id', startDate: 'Date', victims: 'Name', gender: 'Gender', country: 'Country', perpetratorType: 'Perpetrators', actType: 'Act', sector: 'Sector' };
    const en = (dataset: string, language: 'en' | 'es') => parseProfile({ version: 1, dataset, columns: cols, separator: ', ', language }, 'en');
    const dry = await runImport(t, user, { profile: en('syn', 'en'), file: file(csv), lang: 'en', dryRun: true });
    // Row 3: "Femenino" is Spanish in an English file, "Armed force" no synonym: suggested, not taken.
    expect(dry).toMatchObject({ valid: 2, rejected: 1 });
    const seen = Object.fromEntries(dry.synonyms.map((u) => [`${u.field}:${u.value}`, [u.code, u.count]]));
    expect(seen).toMatchObject({
      'gender:Female': ['woman', 1],
      'gender:Male': ['man', 1],
      'perpetratorType:Armed forces': ['military', 1],
      'perpetratorType:Private military actors': ['private_security', 1],
      'actType:Murder': ['killing', 1],
      'sector:Land rights': ['environment_land', 2],
      'sector:Journalist': ['journalists_media', 1],
    });
    const unmatched = Object.fromEntries(dry.unmatched.map((u) => [u.value, u.suggestions.map((x) => x.code)]));
    expect(unmatched['Femenino']).toEqual([]);
    expect(unmatched['Armed force']![0]).toBe('military');
    // Countries by their other names; labels in the profile's language.
    expect(dry.unmatched.find((u) => u.field === 'country')).toBeUndefined();

    const r = await runImport(t, user, { profile: en('syn', 'en'), file: file(csv), lang: 'en', mode: 'valid-rows' });
    expect(r.created).toBe(2);
    const rows = await inTransaction(t.db, writeScope(user), async (trx) =>
      (
        await sql<{ country: string; gender: string; perps: string }>`
          SELECT i.country, (SELECT string_agg(DISTINCT v.gender, ',') FROM act a JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id) AS gender,
            (SELECT string_agg(DISTINCT p.perpetrator_type, ',' ORDER BY p.perpetrator_type) FROM act a JOIN involvement p ON p.organisation_id = a.organisation_id AND p.act_id = a.id WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id) AS perps
          FROM incident i JOIN import_key k ON k.organisation_id = i.organisation_id AND k.incident_id = i.id WHERE k.dataset = 'syn' ORDER BY i.start_date`.execute(trx)
      ).rows,
    );
    expect(rows).toEqual([
      { country: 'CD', gender: 'woman', perps: 'military,private_security' },
      { country: 'CI', gender: 'man', perps: 'police' },
    ]);

    // A Spanish file reads Spanish synonyms, and "Female" there is no term.
    const es = await runImport(t, user, { profile: en('syn-es', 'es'), file: file(csv), lang: 'es', dryRun: true });
    expect(es.synonyms.find((u) => u.value === 'Femenino')?.code).toBe('woman');
    expect(es.unmatched.map((u) => u.value)).toContain('Female');
  });

  it('accepts lists of codes only for list fields', () => {
    expect(() => profile('x', { values: { gender: { 'M/F': ['male', 'female'] } } })).toThrow(AppError);
  });
});
