import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'migrate', { summary: 'cli:commands.migrate' }, argv);
  if (!p.ok) return p.code;
  const [{ loadConfig }, { migrate, openDatabase, ensureWritableDir }] = await Promise.all([import('../config/index.js'), import('../store/index.js')]);
  const config = loadConfig(io.env);
  if (!config.databaseUrl) ensureWritableDir(config.dataDir);
  const h = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const r = await migrate(h.db);
    io.out(r.applied.length ? t(io.lang, 'cli:migrate.applied', { list: r.applied.join(', ') }) : t(io.lang, 'cli:migrate.up_to_date', { count: r.alreadyApplied }));
    return 0;
  } finally {
    await h.close();
  }
}
