import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';
import { progressFor, quietOption } from './cli-progress.js';
import { withRuntime } from './runtime.js';

/** `atalaya demo` loads the demo data; `atalaya demo --synthetic N [--org SLUG] [--seed S]` adds N synthetic incidents. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(
    io,
    'demo',
    {
      summary: 'cli:commands.demo',
      options: { synthetic: { type: 'string', arg: 'n' }, org: { type: 'string', arg: 'organisation' }, seed: { type: 'string', arg: 'seed' }, progress: { type: 'boolean', default: false }, quiet: quietOption },
    },
    argv,
  );
  if (!p.ok) return p.code;
  const values = p.values as { synthetic?: string; org?: string; seed?: string; progress: boolean; quiet: boolean };
  const [{ demoSlugs, loadDemo, isDemoLoaded }, { loadDemoStatement }, { generateSynthetic, resolveOrganisation }] = await Promise.all([
    import('../records/index.js'),
    import('../statements/index.js'),
    import('../trends/index.js'),
  ]);
  if (values.synthetic !== undefined) {
    const n = Number(values.synthetic);
    if (!/^\d+$/.test(values.synthetic) || n < 1 || n > 10_000_000) {
      throw new AppError('bad_input', { issues: [{ path: ['--synthetic'], key: 'analysis:errors.bad_count_n', values: { value: values.synthetic } }] });
    }
    return withRuntime(io, async (rt, config) => {
      // Without --org the synthetic incidents go to the demo's first organisation (loaded first if needed).
      if (!values.org && !(await isDemoLoaded(rt.ctx))) {
        const d = await loadDemo(rt.ctx);
        await loadDemoStatement(rt.ctx, d);
        io.out(t(io.lang, 'cli:serve.demo_login', { email: d.admin.email, password: d.admin.password }));
        io.out(t(io.lang, 'cli:serve.demo_login_once'));
      }
      const org = await resolveOrganisation(rt.ctx.db, values.org ?? demoSlugs.observatorio);
      const progress = progressFor(io, values.progress, 'incidents', values.quiet);
      const r = await generateSynthetic(rt.ctx, {
        organisationId: org.id,
        n,
        seed: values.seed ? Number(values.seed) : 1,
        changePoint: { period: '2020-11', ratio: 2 },
        concurrency: config.databaseUrl ? 3 : 1,
        onProgress: (done) => progress.update(t(io.lang, 'cli:progress.phase_write'), done, n),
      });
      progress.done(r.incidents);
      io.out(t(io.lang, 'analysis:synthetic.loaded', { incidents: r.incidents, acts: r.acts, actors: r.actors, seconds: (r.ms / 1000).toFixed(1) }));
      return 0;
    });
  }
  return withRuntime(io, async (rt) => {
    if (await isDemoLoaded(rt.ctx)) {
      io.out(t(io.lang, 'cli:demo.already'));
      return 0;
    }
    const r = await loadDemo(rt.ctx);
    await loadDemoStatement(rt.ctx, r);
    io.out(t(io.lang, 'cli:demo.loaded', { incidents: r.incidents }));
    io.out(t(io.lang, 'cli:serve.demo_login', { email: r.admin.email, password: r.admin.password }));
    io.out(t(io.lang, 'cli:serve.demo_login_once'));
    return 0;
  });
}
