/**
 * Command-line parsing for every `atalaya` command, with commander: `--help`/`-h` on standard output
 * (exit 0), an unknown option or a missing argument on standard error with the usage (exit 2), in
 * the user's language. Parsing happens before a command opens anything, so a usage error creates
 * nothing (no database, no key file).
 *
 * A command describes its options as data (like node:util parseArgs) and gets back the values under
 * the names it declared, or the exit code when parsing ended the command (help shown, usage error).
 */
import { Command, CommanderError, Option } from 'commander';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** Placeholder of the value in the help ("FILE"); `<value>` when absent. */
  arg?: string;
  choices?: readonly string[];
  /** Missing -> usage error (exit 2) before anything runs. */
  required?: boolean;
  /** i18n key of the description; `cli:opt.<name>` when absent. */
  help?: string;
}

export interface CommandSpec {
  /** i18n key of the one-line description shown by `--help`. */
  summary: string;
  /** Positional arguments as commander writes them: '<file>' (required), '[file]' (optional), '[files...]'. */
  args?: readonly string[];
  options?: Record<string, OptionSpec>;
  /** i18n key of text shown after the options (where to read more). */
  after?: string;
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export type ParseResult = ({ ok: true } & Parsed & { sub?: string }) | { ok: false; code: number };

const titles: Record<string, string> = { 'Usage:': 'cli:help.usage', 'Options:': 'cli:help.options', 'Commands:': 'cli:help.commands', 'Arguments:': 'cli:help.arguments' };

/** commander's section titles ("Usage:", "Options:" …) in the user's language. */
export function helpTitle(io: CliIO, title: string): string {
  return titles[title] ? t(io.lang, titles[title]) : title;
}

function usageErrorText(io: CliIO, e: CommanderError): string {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
  const key = `cli:usage_error.${e.code.replace('commander.', '')}`;
  const text = t(io.lang, key, { name: quoted });
  return text === key ? e.message : text;
}

function configure(cmd: Command, io: CliIO, spec: CommandSpec): Command {
  cmd
    .description(t(io.lang, spec.summary))
    .exitOverride()
    .helpOption('-h, --help', t(io.lang, 'cli:opt.help'))
    .helpCommand(false)
    .allowExcessArguments(false)
    .showHelpAfterError(false)
    .configureHelp({
      styleTitle: (s: string) => helpTitle(io, s),
      // commander's own "(choices: …, default: …)" is English; this says it in the user's language.
      optionDescription: (o: Option) => {
        const extra: string[] = [];
        if (o.argChoices) extra.push(t(io.lang, 'cli:help.choices', { list: o.argChoices.join(', ') }));
        if (o.defaultValue !== undefined && o.defaultValue !== false) extra.push(t(io.lang, 'cli:help.default', { value: String(o.defaultValue) }));
        return extra.length ? `${o.description} (${extra.join('; ')})` : o.description;
      },
    })
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      // The usage follows the error (parse() adds it), so the message is only the first line.
      outputError: () => {},
    });
  for (const a of spec.args ?? []) cmd.argument(a);
  for (const [name, o] of Object.entries(spec.options ?? {})) {
    const flags = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.arg ?? 'value'}>` : ''}`;
    const opt = new Option(flags, t(io.lang, o.help ?? `cli:opt.${name}`));
    if (o.choices) opt.choices(o.choices);
    if (o.default !== undefined) opt.default(o.default);
    if (o.required) opt.makeOptionMandatory();
    cmd.addOption(opt);
  }
  if (spec.after) cmd.addHelpText('after', `\n${t(io.lang, spec.after)}`);
  return cmd;
}

function valuesOf(cmd: Command, spec: CommandSpec): Parsed['values'] {
  const opts = cmd.opts();
  const out: Parsed['values'] = {};
  for (const name of Object.keys(spec.options ?? {})) {
    const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    out[name] = opts[camel] as string | boolean | undefined;
  }
  return out;
}

/**
 * Parses `argv` for command `name` (its words after `atalaya`), with optional subcommands.
 * Help and usage errors are written here; the caller returns `code` when `ok` is false.
 */
export function parseCommand(io: CliIO, name: string, spec: CommandSpec, argv: string[], subs?: Record<string, CommandSpec>): ParseResult {
  const root = configure(new Command(`atalaya ${name}`), io, spec);
  let picked: { sub?: string; cmd: Command; spec: CommandSpec } = { cmd: root, spec };
  if (subs) {
    for (const [subName, subSpec] of Object.entries(subs)) {
      const c = configure(root.command(subName), io, subSpec);
      c.action(() => {
        picked = { sub: subName, cmd: c, spec: subSpec };
      });
    }
  } else root.action(() => {});
  try {
    root.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return { ok: false, code: 0 };
    // A command with subcommands called without one shows its usage as an error.
    if (e.code !== 'commander.help') {
      io.err(`${t(io.lang, 'cli:error')}: ${usageErrorText(io, e)}`);
      const failing = subs && picked.cmd === root ? (root.commands.find((c) => argv.includes(c.name())) ?? root) : picked.cmd;
      failing.outputHelp({ error: true });
    }
    return { ok: false, code: 2 };
  }
  return { ok: true, values: valuesOf(picked.cmd, picked.spec), positionals: picked.cmd.args, ...(picked.sub ? { sub: picked.sub } : {}) };
}
