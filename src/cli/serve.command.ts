/**
 * `atalaya serve [--demo]`: migrates, optionally loads the demo data into a new data folder, and
 * serves until SIGINT/SIGTERM, then closes the database and releases the data folder.
 */
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'serve', { summary: 'cli:commands.serve', options: { demo: { type: 'boolean', default: false } } }, argv);
  if (!p.ok) return p.code;
  const { values } = p;
  const [{ openRuntime, installationAdminExists }, { loadConfig }, { buildApp }, { deriveSecret }, { loadDemo, isDemoLoaded, sweepUnreferencedEvidence, backfillWordIndex }, { loadDemoStatement }, { startAlertTimer }] = await Promise.all([
    import('../access/index.js'),
    import('../config/index.js'),
    import('../http/app.js'),
    import('../http/services.js'),
    import('../records/index.js'),
    import('../statements/index.js'),
    import('../trends/index.js'),
  ]);
  const config = loadConfig(io.env);
  const rt = await openRuntime(config, { rowSecurity: true, readReplicas: true });
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
    const swept = await sweepUnreferencedEvidence(rt.ctx);
    if (swept.removed) io.out(t(io.lang, 'cli:serve.evidence_swept', { count: swept.removed }));
    // Narratives encrypted before the keyed word index existed (migration 066) become searchable.
    const words = await backfillWordIndex(rt.ctx);
    if (words.indexed) io.out(t(io.lang, 'cli:serve.words_indexed', { count: words.indexed }));
    app = await buildApp({ ctx: rt.ctx, config, secret: deriveSecret(rt.master.key, 'http'), engine: rt.handle.engine, master: rt.master, reads: rt.reads });
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
