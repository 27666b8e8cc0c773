/**
 * Issue 21, "what the server keeps": after reports, follow-ups and wrong codes sent with a canary
 * user agent, nothing the server wrote — its log lines, every table (and pg_dump on the server),
 * the file store — holds the reporter's address, user agent or words in the clear, and nothing
 * about a report is dated finer than the day.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setIntakeSetting } from '../../src/intake/index.js';
import { Client, type TestApp } from '../support/app.js';
import { engines } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';
import { gpsPhoto, sendReport, startIntakeApp } from '../support/intake.js';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe.each(engines)('traces of a reporter on %s', (engine) => {
  let s: TestApp;
  const logs: string[] = [];
  const tag = randomBytes(5).toString('hex');
  const ua = `UACANARY${tag}`;
  const words = `WORDSCANARY${tag}`;
  let org: string;

  beforeAll(async () => {
    s = await startIntakeApp(engine, { stamps: { difficulty: 8, minSecondsWithProof: 0, minSecondsWithoutProof: 1 } }, { logs });
    const slug = `rastro-${tag}`;
    org = await makeOrg(s.t, slug);
    const admin = await makeUser(s.t, org, 'admin');
    await setIntakeSetting(s.t, admin, true, 50);
    const documenter = await makeUser(s.t, org, 'documenter');
    const headers = { 'user-agent': ua };
    const reporter = new Client(s.url, 'es');
    await reporter.request('GET', '/report', undefined, headers);
    const sent = await sendReport(reporter, slug, { what: `Hechos ${words} en la plaza.`, year: '2024', toWhom: 'me', contact: 'other', contactDetail: `signal-${words}` }, [{ name: `foto-${words}.jpg`, type: 'image/jpeg', bytes: await gpsPhoto(tag) }], { headers });
    expect(sent.status).toBe(200);
    const form = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
    await reporter.request('POST', '/report/follow-up', { code: sent.code!, _csrf: sent.csrf }, form);
    await reporter.request('POST', '/report/follow-up/add', { code: sent.code!, message: `Más ${words}`, _csrf: sent.csrf }, form);
    await reporter.request('POST', '/report/follow-up', { code: 'mesa silla ' + sent.code!.split(' ').slice(2).join(' '), _csrf: sent.csrf }, form);
    await reporter.request('GET', '/report/no-such-org', undefined, headers);
    // Staff pages are logged as usual (so an empty log cannot pass for a clean one).
    const doc = new Client(s.url, 'es');
    await doc.login(documenter);
    expect((await doc.request('GET', '/intake/reports')).status).toBe(200);
  }, 120_000);
  afterAll(async () => s?.close());

  it('logs no line for report routes, and no address, user agent or words anywhere', () => {
    const all = logs.join('');
    expect(all).toContain('/intake/reports');
    const lines = all.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => JSON.stringify(l).includes('"/report'))).toEqual([]);
    expect(lines.filter((l) => JSON.stringify(l).includes('/assets/report'))).toEqual([]);
    for (const c of [ua, words, tag]) expect(all).not.toContain(c);
    expect(lines.filter((l) => l.msg !== 'Server listening at ' + s.url && JSON.stringify(l).includes('127.0.0.1'))).toEqual([]);
  });

  it('keeps no address, user agent, clear text or time finer than the day in any table', async () => {
    const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(s.t.ownerDb);
    let dump = '';
    for (const { table_name } of tables.rows) {
      const r = await sql<{ t: string }>`SELECT x::text AS t FROM ${sql.table(table_name)} x`.execute(s.t.ownerDb);
      dump += r.rows.map((x) => x.t).join('\n');
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const c of [ua, words, '127.0.0.1']) expect(dump).not.toContain(c);
    const timed = await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name IN ('intake_setting', 'intake_report', 'intake_receipt', 'intake_daily_count', 'intake_message', 'intake_file') AND (data_type LIKE 'timestamp%' OR data_type LIKE 'time %')`.execute(s.t.ownerDb);
    expect(timed.rows).toEqual([]);
    const notices = await sql<{ exact: boolean }>`SELECT created_at = date_trunc('day', created_at) AS exact FROM notification WHERE organisation_id = ${org} AND kind = 'new_report'`.execute(s.t.ownerDb);
    expect(notices.rows.length).toBeGreaterThan(0);
    expect(notices.rows.every((n) => n.exact)).toBe(true);
    // The arrival is not audited (an audit entry carries a clock time); staff actions are.
    const arrivals = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE organisation_id = ${org} AND (object_table LIKE 'intake%' OR action LIKE 'report.%') AND user_id IS NULL`.execute(s.t.ownerDb);
    expect(Number(arrivals.rows[0]!.n)).toBe(0);
    if (engine === 'postgres') {
      const pgDump = execFileSync('pg_dump', ['--no-owner', s.t.databaseUrl!], { maxBuffer: 256 * 1024 * 1024 });
      for (const c of [ua, words, '127.0.0.1']) expect(pgDump.includes(Buffer.from(c)), c).toBe(false);
    }
  });

  it('stores files sealed, dated to midnight, with no canary in the bytes', () => {
    const files = filesUnder(join(s.t.dataDir, 'evidence', org));
    expect(files.length).toBe(2); // the sealed original and its stripped copy
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(`ARTIST${tag}`))).toBe(false);
      expect(bytes.includes(Buffer.from(words))).toBe(false);
      const m = statSync(f).mtime;
      expect([m.getUTCHours(), m.getUTCMinutes(), m.getUTCSeconds()]).toEqual([0, 0, 0]);
    }
  });
});
