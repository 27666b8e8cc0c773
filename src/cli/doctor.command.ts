/**
 * `atalaya doctor`: checks what a volunteer installing Atalaya gets wrong most often and prints
 * each problem with what to do about it. Exit code 1 when anything is wrong.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { isAppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { DB } from '../store/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'doctor', { summary: 'cli:commands.doctor' }, argv);
  if (!p.ok) return p.code;
  const [{ loadConfig }, { Keyring, loadMasterKey, keyFilePath }, { looseModes, openDatabase, pendingMigrations, verifyAudit }, { sweepUnreferencedEvidence }] = await Promise.all([
    import('../config/index.js'),
    import('../access/index.js'),
    import('../store/index.js'),
    import('../records/index.js'),
  ]);
  const problems: string[] = [];
  const ok = (k: string, v: Record<string, unknown> = {}) => io.out(`✓ ${t(io.lang, `cli:doctor.${k}`, v)}`);
  const bad = (k: string, v: Record<string, unknown> = {}) => {
    const line = t(io.lang, `cli:doctor.${k}`, v);
    problems.push(line);
    io.out(`✗ ${line}`);
  };
  let config: Config;
  try {
    config = loadConfig(io.env);
    ok('config');
  } catch (e) {
    bad('config_bad', { detail: isAppError(e) ? e.issues.map((i) => `${i.path.join('.')}: ${i.message ?? ''}`).join('; ') : String(e) });
    return 1;
  }
  try {
    if (existsSync(config.dataDir)) accessSync(config.dataDir, constants.W_OK);
    ok('data_dir', { dir: config.dataDir });
  } catch {
    bad('data_dir_bad', { dir: config.dataDir });
  }
  const loose = looseModes(config.dataDir);
  if (loose.length) bad('data_modes_bad', { dir: config.dataDir, first: loose[0]!, count: loose.length >= 20 ? '20+' : loose.length });
  else ok('data_modes', { dir: config.dataDir });
  let master;
  try {
    master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
    if (master.source === 'file') {
      const mode = statSync(keyFilePath(config.dataDir)).mode & 0o777;
      if (mode & 0o077) bad('key_mode', { file: keyFilePath(config.dataDir), mode: mode.toString(8) });
      else ok('key_file', { file: keyFilePath(config.dataDir) });
    } else ok('key_env');
  } catch {
    bad('key_missing', { file: keyFilePath(config.dataDir) });
  }
  try {
    const h = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      ok('database', { engine: h.engine });
      const pending = await pendingMigrations(h.db);
      if (pending.length) bad('migrations_pending', { list: pending.join(', ') });
      else ok('migrations');
      if (!pending.length) {
        if (master) {
          const keys = new Keyring(master);
          const orgs = await h.db.selectFrom('organisation').select(['id', 'slug']).execute();
          let opened = 0;
          for (const o of orgs) {
            try {
              await keys.blindIndex(h.db, o.id, 'probe');
              opened++;
            } catch {
              bad('org_keys', { org: o.slug });
            }
          }
          if (opened) ok('org_keys_ok', { count: opened });
          const swept = await sweepUnreferencedEvidence({ db: h.db, keys, dataDir: config.dataDir });
          ok('evidence_swept', { count: swept.removed });
        }
        const audit = await verifyAudit(h.db);
        if (audit.problems.length) bad('audit_bad', { count: audit.problems.length });
        else ok('audit', { count: audit.entries });
      }
      if (config.readUrls.length) await checkReplicas(h.db, config, ok, bad);
    } finally {
      await h.close();
    }
  } catch (e) {
    bad('database_bad', { detail: e instanceof Error ? e.message : String(e) });
  }
  io.out(problems.length ? t(io.lang, 'cli:doctor.summary_bad', { count: problems.length }) : t(io.lang, 'cli:doctor.summary_ok'));
  return problems.length ? 1 : 0;
}

type Say = (k: string, v?: Record<string, unknown>) => void;

/** Each standby in ATALAYA_READ_URL: answering, still a standby, and how far behind (one check round). */
async function checkReplicas(db: DB, config: Config, ok: Say, bad: Say): Promise<void> {
  const { ReadRouter } = await import('../store/index.js');
  const router = await ReadRouter.open(db, config.readUrls, { maxLagMs: config.readMaxLagMs });
  try {
    // A second look half a second later: one sample alone cannot tell a standby that is just behind
    // the latest write from one that has stopped replaying.
    await new Promise((r) => setTimeout(r, 500));
    await router.check();
    for (const r of router.status().replicas) {
      const v = { name: r.name.replace(/^replica /, ''), lag: r.lagMs ?? '?', max: config.readMaxLagMs };
      if (r.state === 'healthy') ok('replica_ok', v);
      else if (r.state === 'lagging') bad('replica_lagging', v);
      else if (r.state === 'promoted') bad('replica_promoted', v);
      else bad('replica_down', v);
    }
  } finally {
    await router.close();
  }
}
