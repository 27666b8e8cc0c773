/**
 * `atalaya restore FILE --passphrase-file P` restores a backup into an empty data folder or
 * database (DATABASE_URL), in one transaction. The master key that wrapped the backup's keys must
 * be given (ATALAYA_MASTER_KEY) or already be in the data folder: it is never in a backup.
 */
import { parseArgs } from 'node:util';
import { loadMasterKey } from '../access/index.js';
import { loadConfig } from '../config/index.js';
import { restoreBackup } from '../interop/index.js';
import { t } from '../shared/i18n/index.js';
import { migrate, openDatabase } from '../store/index.js';
import { readPassphrase } from './backup.command.js';
import type { CliIO } from './cli-io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'passphrase-file': { type: 'string' } } });
  const file = positionals[0];
  if (!file) {
    io.err(t(io.lang, 'interop:cli.restore_usage'));
    return 2;
  }
  const passphrase = await readPassphrase(values['passphrase-file']);
  const config = loadConfig(io.env);
  const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
  const handle = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, statementTimeoutMs: 0 });
  try {
    await migrate(handle.db);
    const m = await restoreBackup(handle.db, { file, passphrase, dataDir: config.dataDir, masterKeyId: master.id });
    const rows = m.tables.reduce((s, x) => s + x.rows, 0);
    io.out(t(io.lang, 'interop:cli.restored', { rows, tables: m.tables.length, files: m.files.length, at: m.createdAt }));
    return 0;
  } finally {
    await handle.close();
  }
}
