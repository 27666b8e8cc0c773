/**
 * `atalaya org create|list|rename|archive`: the installation's organisations, from the server's
 * shell. Each new organisation gets its own data keys, its language and its time zone.
 */
import { Command, CommanderError } from 'commander';
import { archiveOrganisation, listOrganisations, renameOrganisation, setUpOrganisation } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { helpTitle } from './cli-command.js';
import { withRuntime } from './runtime.js';

/** Runs a commander program with the CLI's output and exit codes: --help 0, usage errors 2. */
export async function runProgram(program: Command, argv: string[], io: CliIO): Promise<number> {
  let code = 0;
  const wire = (c: Command) => {
    c.exitOverride()
      .configureHelp({ styleTitle: (s: string) => helpTitle(io, s) })
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    c.commands.forEach(wire);
  };
  wire(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version' ? 0 : 2;
  }
  return code;
}

function langOption(value: string | undefined): 'es' | 'en' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'es' && value !== 'en') throw new AppError('bad_input', { message: 'cli:org.bad_lang' });
  return value;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const l = io.lang;
  const program = new Command('atalaya org').description(t(l, 'cli:org.description')).showHelpAfterError();
  program
    .command('create')
    .description(t(l, 'cli:org.create'))
    .argument('<slug>', t(l, 'cli:org.slug'))
    .requiredOption('--name <name>', t(l, 'cli:org.name'))
    .option('--lang <lang>', t(l, 'cli:org.lang'), 'es')
    .option('--time-zone <zone>', t(l, 'cli:org.time_zone'), 'UTC')
    .action(async (slug: string, o: { name: string; lang: string; timeZone: string }) => {
      const lang = langOption(o.lang) ?? 'es';
      await withRuntime(io, (rt) => setUpOrganisation(rt.ctx, { slug, name: o.name, lang, timeZone: o.timeZone }));
      io.out(t(l, 'cli:org.created', { slug, name: o.name.trim(), lang, zone: o.timeZone }));
    });
  program
    .command('list')
    .description(t(l, 'cli:org.list'))
    .action(async () => {
      const orgs = await withRuntime(io, (rt) => listOrganisations(rt.ctx.db));
      if (!orgs.length) io.out(t(l, 'cli:org.none'));
      for (const o of orgs) io.out(t(l, 'cli:org.row', { slug: o.slug, name: o.name, lang: o.defaultLang, zone: o.timeZone, archived: o.archivedAt ? t(l, 'cli:org.archived_mark') : '' }));
    });
  program
    .command('rename')
    .description(t(l, 'cli:org.rename'))
    .argument('<slug>', t(l, 'cli:org.slug'))
    .requiredOption('--name <name>', t(l, 'cli:org.name'))
    .action(async (slug: string, o: { name: string }) => {
      await withRuntime(io, (rt) => renameOrganisation(rt.ctx.db, slug, o.name));
      io.out(t(l, 'cli:org.renamed', { slug, name: o.name.trim() }));
    });
  program
    .command('archive')
    .description(t(l, 'cli:org.archive'))
    .argument('<slug>', t(l, 'cli:org.slug'))
    .action(async (slug: string) => {
      await withRuntime(io, (rt) => archiveOrganisation(rt.ctx.db, slug));
      io.out(t(l, 'cli:org.archived', { slug }));
    });
  if (!argv.length) argv = ['--help'];
  return runProgram(program, argv, io);
}
