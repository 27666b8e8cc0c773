import { loadConfig } from '../config/index.js';
import { migrate, openDatabase, ensureWritableDir } from '../store/index.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';

export async function run(_argv: string[], io: CliIO): Promise<number> {
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
