/**
 * `atalaya init --email ADDRESS`: sets up a new installation. Creates the installation
 * administrator and prints a one-time set-up link; never a password, which would end up in the
 * service's logs.
 */
import { Command } from 'commander';
import { createInstallationAdmin, installationAdminExists } from '../access/index.js';
import { t } from '../shared/i18n/index.js';
import type { DB } from '../store/index.js';
import type { CliIO } from './cli-io.js';
import { runProgram } from './org.command.js';
import { withRuntime } from './runtime.js';

/** The set-up link of a new installation administrator: the password page with its one-time token. */
export function setupLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/password/reset?token=${token}`;
}

/** Creates the administrator and prints the link; says so and changes nothing when one exists. */
export async function initInstallation(db: DB, publicUrl: string, io: CliIO, email: string, lang: 'es' | 'en' = io.lang): Promise<boolean> {
  if (await installationAdminExists(db)) {
    io.out(t(io.lang, 'cli:init.already'));
    return false;
  }
  const { token } = await createInstallationAdmin(db, { email, lang });
  io.out(t(io.lang, 'cli:init.done', { email, link: setupLink(publicUrl, token) }));
  io.out(t(io.lang, 'cli:init.next'));
  return true;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const l = io.lang;
  const program = new Command('atalaya init')
    .description(t(l, 'cli:init.description'))
    .requiredOption('--email <address>', t(l, 'cli:init.email'))
    .option('--lang <lang>', t(l, 'cli:init.lang'))
    .showHelpAfterError()
    .action(async (o: { email: string; lang?: string }) => {
      await withRuntime(io, (rt, config) => initInstallation(rt.ctx.db, config.publicUrl, io, o.email, o.lang === 'en' ? 'en' : o.lang === 'es' ? 'es' : io.lang));
    });
  return runProgram(program, argv, io);
}
