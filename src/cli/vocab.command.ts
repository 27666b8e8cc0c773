/**
 * `atalaya vocab list [NAME] [--lang es|en] [--json]`: the vocabularies (name, version, number of
 * terms), or one vocabulary's terms as an indented tree with codes and labels.
 */
import { AppError } from '../shared/errors.js';
import { isLang, t, type Lang } from '../shared/i18n/index.js';
import { children, getVocabulary, isVocabularyName, vocabularies, type VocabName } from '../vocab/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

function badInput(key: string, values: Record<string, string> = {}, path: string[] = []): AppError {
  return new AppError('bad_input', { issues: [{ path, key, values }] });
}

function listAll(io: CliIO, lang: Lang, json: boolean): void {
  const list = vocabularies();
  if (json) {
    io.out(JSON.stringify(list.map((v) => ({ name: v.name, version: v.version, terms: v.size, label: v.labels[lang] })), null, 2));
    return;
  }
  const width = Math.max(...list.map((v) => v.name.length), t(lang, 'vocab:cli.name').length);
  const vwidth = Math.max(...list.map((v) => v.version.length), t(lang, 'vocab:cli.version').length);
  const nwidth = t(lang, 'vocab:cli.terms').length;
  io.out(
    `${t(lang, 'vocab:cli.name').padEnd(width)}  ${t(lang, 'vocab:cli.version').padEnd(vwidth)}  ${t(lang, 'vocab:cli.terms').padStart(nwidth)}  ${t(lang, 'vocab:cli.label')}`,
  );
  for (const v of list) {
    io.out(`${v.name.padEnd(width)}  ${v.version.padEnd(vwidth)}  ${String(v.size).padStart(nwidth)}  ${v.labels[lang]}`);
  }
}

function showOne(io: CliIO, name: VocabName, lang: Lang, json: boolean): void {
  const v = getVocabulary(name);
  if (json) {
    io.out(JSON.stringify(v, null, 2));
    return;
  }
  io.out(`${v.name} ${v.version}: ${v.labels[lang]} (${t(lang, 'vocab:cli.count', { count: v.terms.length })})`);
  const width = Math.max(...v.terms.map((x) => x.code.length + 2 * x.depth));
  const walk = (parent: string | undefined, depth: number): void => {
    for (const term of children(name, parent)) {
      const indent = '  '.repeat(depth);
      const notes = [
        term.esf ? `ESF ${term.esf}` : '',
        term.deprecated ? t(lang, 'vocab:cli.deprecated') : '',
      ].filter(Boolean);
      const suffix = notes.length ? `  [${notes.join('; ')}]` : '';
      io.out(`  ${indent}${term.code.padEnd(width - indent.length)}  ${term.labels[lang]}${suffix}`);
      walk(term.code, depth + 1);
    }
  };
  walk(undefined, 0);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'vocab', { summary: 'cli:commands.vocab', after: 'vocab:cli.usage' }, argv, {
    list: { summary: 'cli:sub.vocab_list', args: ['[name]'], options: { lang: { type: 'string', arg: 'es|en' }, json: { type: 'boolean', default: false } } },
  });
  if (!p.ok) return p.code;
  const name = p.positionals[0];
  const langArg = p.values.lang as string | undefined;
  const json = p.values.json === true;
  let lang: Lang = io.lang;
  if (langArg !== undefined) {
    if (!isLang(langArg)) throw badInput('vocab:cli.bad_lang', { lang: langArg }, ['--lang']);
    lang = langArg;
  }
  if (name === undefined) {
    listAll(io, lang, json);
    return 0;
  }
  if (!isVocabularyName(name)) {
    throw badInput('vocab:cli.unknown_vocabulary', { name, names: vocabularies().map((v) => v.name).join(', ') }, ['NAME']);
  }
  showOne(io, name, lang, json);
  return 0;
}
