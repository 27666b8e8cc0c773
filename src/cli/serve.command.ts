/**
 * `atalaya serve [--demo]`: migrates, optionally loads the demo data into a new data folder, and
 * serves until SIGINT/SIGTERM, then closes the database and releases the data folder.
 */
import { parseArgs } from 'node:util';
import { installationAdminExists, openRuntime } from '../access/index.js';
import { loadConfig } from '../config/index.js';
import { buildApp } from '../http/app.js';
import { deriveSecret } from '../http/services.js';
import { loadDemo, isDemoLoaded } from '../records/index.js';
import { loadDemoStatement } from '../statements/index.js';
import { t } from '../shared/i18n/index.js';
import { startAlertTimer } from '../trends/index.js';
import type { CliIO } from './cli-io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { demo: { type: 'boolean', default: false } }, strict: true });
  const config = loadConfig(io.env);
  const rt = await openRuntime(config, { rowSecurity: true });
  let app;
  let login: { email: string; password: string } | null = null;
  let stopAlerts = () => {};
  try {
    if (values.demo) {
      const db = rt.ctx.db;
      const anyOrg = await db.selectFrom('organisation').select('id').limit(1).executeTakeFirst();
      if (!anyOrg) {
        io.out(t(io.lang, 'cli:demo.loading'));
        const demo = await loadDemo(rt.ctx);
        await loadDemoStatement(rt.ctx, demo);
        login = demo.admin;
      } else if (await isDemoLoaded(rt.ctx)) {
        io.out(t(io.lang, 'cli:serve.demo_present'));
      }
    } else if (!(await rt.ctx.db.selectFrom('organisation').select('id').limit(1).executeTakeFirst()) && !(await installationAdminExists(rt.ctx.db))) {
      // A real installation starts with its administrator, made by `init` (which prints the set-up link).
      io.out(t(io.lang, 'cli:init.first_start'));
      io.out(t(io.lang, 'cli:init.hint'));
    }
    app = await buildApp({ ctx: rt.ctx, config, secret: deriveSecret(rt.master.key, 'http'), engine: rt.handle.engine, master: rt.master });
    await app.listen({ port: config.port, host: config.host });
    // Followers hear of new incidents and escalations within five minutes (in-app and e-mail digest).
    stopAlerts = startAlertTimer({ ctx: rt.ctx, config }, 5 * 60_000);
  } catch (e) {
    await app?.close().catch(() => {});
    await rt.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = config.publicUrl.startsWith('http://localhost') ? `http://localhost:${port}` : config.publicUrl;
  io.out('');
  io.out(t(io.lang, 'cli:serve.listening', { url, engine: rt.handle.engine === 'pglite' ? `PGlite (${config.dataDir})` : 'PostgreSQL' }));
  if (rt.migrated.length) io.out(t(io.lang, 'cli:migrate.applied', { list: rt.migrated.join(', ') }));
  if (login) {
    io.out(t(io.lang, 'cli:serve.demo_login', { email: login.email, password: login.password }));
    io.out(t(io.lang, 'cli:serve.demo_login_once'));
  }
  const shutdown = async (signal: string) => {
    io.err(t(io.lang, 'cli:serve.stopping', { signal }));
    stopAlerts();
    await app.close().catch(() => {});
    await rt.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}
