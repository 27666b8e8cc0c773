/**
 * The `atalaya` command line: one file per command, loaded only when called so that
 * `atalaya estimate` does not pay for the web server's imports.
 */
import { isAppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import { processIO, type CliIO, type CommandModule } from './cli-io.js';
import { errorText, hasMessageKey } from '../shared/error-text.js';

export const commands: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./serve.command.js'),
  migrate: () => import('./migrate.command.js'),
  demo: () => import('./demo.command.js'),
  vocab: () => import('./vocab.command.js'),
  doctor: () => import('./doctor.command.js'),
  user: () => import('./user.command.js'),
  keys: () => import('./keys.command.js'),
  audit: () => import('./audit.command.js'),
  estimate: () => import('./estimate.command.js'),
  chart: () => import('./chart.command.js'),
  link: () => import('./link.command.js'),
  import: () => import('./import.command.js'),
  export: () => import('./export.command.js'),
  backup: () => import('./backup.command.js'),
  restore: () => import('./restore.command.js'),
  count: () => import('./count.command.js'),
  init: () => import('./init.command.js'),
  org: () => import('./org.command.js'),
};

export function renderError(e: unknown, io: CliIO): number {
  if (isAppError(e)) {
    // Messages that are not i18n keys are operator-facing details (paths, server errors): shown as they are.
    const keyed = hasMessageKey(e) || e.message === e.code;
    const text = keyed ? errorText(io.lang, e) : e.message;
    io.err(`${t(io.lang, 'cli:error')}: ${text}`);
    for (const issue of e.issues) {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      io.err(`  - ${where}${issue.message ?? t(io.lang, issue.key, issue.values)}`);
    }
    return e.code === 'bad_input' || e.code === 'validation' || e.code === 'unknown_code' ? 2 : 1;
  }
  io.err(`${t(io.lang, 'cli:error')}: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  // `atalaya help COMMAND` is `atalaya COMMAND --help`.
  if (name === 'help' && rest[0] && commands[rest[0]]) return main([rest[0], '--help'], io);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(t(io.lang, 'cli:usage'));
    for (const c of Object.keys(commands)) io.out(`  ${c.padEnd(10)} ${t(io.lang, `cli:commands.${c}`)}`);
    io.out(t(io.lang, 'cli:help.more'));
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(t(io.lang, 'cli:unknown_command', { name }));
    io.err(t(io.lang, 'cli:help.more'));
    return 2;
  }
  try {
    const mod = await load();
    return await mod.run(rest, io);
  } catch (e) {
    return renderError(e, io);
  }
}

const isEntry = process.argv[1] !== undefined && /bin[\\/]atalaya(\.js)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv.slice(2));
  // `serve` keeps the process alive on its own; every other command ends here.
  if (code !== -1) process.exit(code);
}
