/**
 * `atalaya backup --out FILE --passphrase-file P` writes one encrypted archive of the database,
 * the data folder's files and the wrapped organisation keys (never the master key: keep that
 * offline, apart from the backups). `atalaya backup verify FILE --passphrase-file P` decrypts it
 * and checks every part against the manifest and the audit chains against their heads.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';
import { progressFor, quietOption, type Progress } from './cli-progress.js';
import type { BackupProgress } from '../interop/index.js';

/** The passphrase from a file (first line), so it never appears in the shell history or `ps`. */
export async function readPassphrase(path: string | undefined): Promise<string> {
  if (!path) throw new AppError('bad_input', { issues: [{ path: ['--passphrase-file'], key: 'interop:cli.passphrase_needed' }] });
  try {
    return (await readFile(path, 'utf8')).split(/\r?\n/)[0]!;
  } catch {
    throw new AppError('bad_input', { issues: [{ path: ['--passphrase-file'], key: 'interop:cli.unreadable', values: { file: path } }] });
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const passphraseFile = { type: 'string', required: true, arg: 'file' } as const;
  const verify = argv[0] === 'verify';
  const p = verify
    ? parseCommand(io, 'backup', { summary: 'cli:commands.backup' }, argv, {
        verify: { summary: 'cli:sub.backup_verify', args: ['<file>'], options: { 'passphrase-file': passphraseFile } },
      })
    : parseCommand(
        io,
        'backup',
        { summary: 'cli:commands.backup', after: 'cli:after.backup', options: { out: { type: 'string', required: true, arg: 'file.age' }, 'passphrase-file': passphraseFile, progress: { type: 'boolean', default: false }, quiet: quietOption } },
        argv,
      );
  if (!p.ok) return p.code;
  const values = p.values as { out?: string; 'passphrase-file': string; progress?: boolean; quiet?: boolean };
  const passphrase = await readPassphrase(values['passphrase-file']);
  const [{ loadConfig }, { createBackup, verifyBackup }, { openDatabase }] = await Promise.all([import('../config/index.js'), import('../interop/index.js'), import('../store/index.js')]);
  if (verify) {
    const file = p.positionals[0]!;
    const r = await verifyBackup(file, passphrase);
    for (const p of r.problems) io.err(`  - ${p.part}: ${t(io.lang, p.key)}`);
    if (!r.ok || !r.manifest) {
      io.err(t(io.lang, 'interop:cli.verify_bad', { count: r.problems.length }));
      return 1;
    }
    const rows = r.manifest.tables.reduce((s, x) => s + x.rows, 0);
    io.out(t(io.lang, 'interop:cli.verify_ok', { tables: r.manifest.tables.length, rows, files: r.manifest.files.length, at: r.manifest.createdAt }));
    return 0;
  }
  const config = loadConfig(io.env);
  const handle = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, statementTimeoutMs: 0 });
  try {
    const progress = progressFor(io, values.progress === true, 'rows', values.quiet === true);
    const m = await createBackup(handle.db, { out: values.out!, passphrase, dataDir: config.dataDir, engine: handle.engine, onProgress: backupProgress(io, progress) });
    const rows = m.tables.reduce((s, x) => s + x.rows, 0);
    progress.done(rows);
    io.out(t(io.lang, 'interop:cli.backup_done', { file: values.out, tables: m.tables.length, rows, files: m.files.length }));
    return 0;
  } finally {
    await handle.close();
  }
}

/** Rows, then files, of a backup or restore on the progress line (the files in their own unit). */
export function backupProgress(io: CliIO, progress: Progress): (p: BackupProgress) => void {
  return (p) => progress.update(t(io.lang, p.phase === 'rows' ? 'cli:progress.phase_rows' : 'cli:progress.phase_files'), p.done, p.total);
}
