/**
 * `atalaya restore FILE --passphrase-file P` restores a backup into an empty data folder or
 * database (DATABASE_URL), in one transaction. The master key that wrapped the backup's keys must
 * be given (ATALAYA_MASTER_KEY) or already be in the data folder: it is never in a backup.
 */
import { t } from '../shared/i18n/index.js';
import { backupProgress, readPassphrase } from './backup.command.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';
import { progressFor, quietOption } from './cli-progress.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(
    io,
    'restore',
    {
      summary: 'cli:commands.restore',
      after: 'cli:after.restore',
      args: ['<file>'],
      options: { 'passphrase-file': { type: 'string', required: true, arg: 'file' }, progress: { type: 'boolean', default: false }, quiet: quietOption },
    },
    argv,
  );
  if (!p.ok) return p.code;
  const values = p.values as { 'passphrase-file': string; progress: boolean; quiet: boolean };
  const file = p.positionals[0]!;
  const [{ loadMasterKey }, { loadConfig }, { restoreBackup }, { migrate, openDatabase }] = await Promise.all([
    import('../access/index.js'),
    import('../config/index.js'),
    import('../interop/index.js'),
    import('../store/index.js'),
  ]);
  const passphrase = await readPassphrase(values['passphrase-file']);
  const config = loadConfig(io.env);
  const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
  const handle = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, statementTimeoutMs: 0 });
  try {
    await migrate(handle.db);
    const progress = progressFor(io, values.progress, 'rows', values.quiet);
    const m = await restoreBackup(handle.db, { file, passphrase, dataDir: config.dataDir, masterKeyId: master.id, onProgress: backupProgress(io, progress) });
    const rows = m.tables.reduce((s, x) => s + x.rows, 0);
    progress.done(rows);
    io.out(t(io.lang, 'interop:cli.restored', { rows, tables: m.tables.length, files: m.files.length, at: m.createdAt }));
    return 0;
  } finally {
    await handle.close();
  }
}
