import { loadDemo, isDemoLoaded } from '../records/index.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { withRuntime } from './runtime.js';

export async function run(_argv: string[], io: CliIO): Promise<number> {
  return withRuntime(io, async (rt) => {
    if (await isDemoLoaded(rt.ctx)) {
      io.out(t(io.lang, 'cli:demo.already'));
      return 0;
    }
    const r = await loadDemo(rt.ctx);
    io.out(t(io.lang, 'cli:demo.loaded', { incidents: r.incidents }));
    io.out(t(io.lang, 'cli:serve.demo_login', { email: r.admin.email, password: r.admin.password }));
    io.out(t(io.lang, 'cli:serve.demo_login_once'));
    return 0;
  });
}
