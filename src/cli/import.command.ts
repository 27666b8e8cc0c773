/**
 * `atalaya import --profile p.json --as EMAIL|ORG [--dry-run] [--mode all-or-nothing|valid-rows]
 *  [--rejected out.csv] FILE` imports a CSV or XLSX file (see README, "Import profiles"). A dry run
 * validates every row and lists problems by line and column without writing. Running the same
 * command again after a crash resumes the job; on a finished import it changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportReport } from '../interop/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand, type CommandSpec } from './cli-command.js';
import { progressFor, quietOption } from './cli-progress.js';
import { withRuntime } from './runtime.js';

export const importSpec: CommandSpec = {
  summary: 'cli:commands.import',
  args: ['<file>'],
  options: {
    profile: { type: 'string', required: true, arg: 'profile.json' },
    as: { type: 'string', required: true, arg: 'email|organisation' },
    org: { type: 'string', arg: 'organisation' },
    'dry-run': { type: 'boolean', default: false },
    mode: { type: 'string', default: 'all-or-nothing', choices: ['all-or-nothing', 'valid-rows'] },
    rejected: { type: 'string', arg: 'rejected.csv' },
    progress: { type: 'boolean', default: false },
    quiet: quietOption,
  },
  after: 'cli:after.import',
};

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AppError('bad_input', { issues: [{ path: [what], key: 'interop:cli.unreadable', values: { file: path } }] });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('bad_input', { issues: [{ path: [what], key: 'interop:cli.not_json', values: { file: path, reason: (e as Error).message } }] });
  }
}

type ReportText = Pick<typeof import('../interop/index.js'), 'dateDecisionText' | 'issueText' | 'nullTokensText' | 'toCreateText'>;

export function printReport(io: CliIO, lang: Lang, r: ImportReport, text: ReportText, showIssues = 50): void {
  const { dateDecisionText, issueText, nullTokensText, toCreateText } = text;
  for (const w of r.warnings.slice(0, 20)) io.err(`${t(lang, 'interop:cli.warning')}: ${issueText(lang, w)}`);
  if (r.unmatched.length) {
    io.out(t(lang, 'interop:cli.unmatched_title'));
    for (const u of r.unmatched.slice(0, 50)) {
      const sug = u.suggestions.map((s) => `${s.code} (${s.label}, ${s.score})`).join('; ') || t(lang, 'interop:cli.no_suggestion');
      io.out(`  ${u.column} = "${u.value}" ×${u.count} → ${sug}`);
    }
  }
  if (r.synonyms?.length) {
    io.out(t(lang, 'interop:synonyms.title'));
    for (const u of r.synonyms.slice(0, 50)) io.out(`  ${u.column} = "${u.value}" ×${u.count} → ${u.code} (${u.label})`);
  }
  for (const d of r.dates) io.out(dateDecisionText(lang, d));
  if (r.dryRun) io.out(nullTokensText(lang, r.nullTokens));
  for (const i of r.issues.slice(0, showIssues)) io.out(`  - ${issueText(lang, i)}`);
  if (r.issueCount > showIssues) io.out(t(lang, 'interop:cli.more_issues', { count: r.issueCount - showIssues }));
  io.out(
    t(lang, r.dryRun ? 'interop:cli.summary_dry' : 'interop:cli.summary', {
      rows: r.rows,
      valid: r.valid,
      rejected: r.rejected,
      created: r.created,
      updated: r.updated,
      unchanged: r.unchanged,
      empty: r.emptyRows,
      state: t(lang, `interop:state.${r.state}`),
    }),
  );
  if (r.dryRun) io.out(toCreateText(lang, r));
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'import', importSpec, argv);
  if (!p.ok) return p.code;
  const values = p.values as { profile: string; as: string; org?: string; 'dry-run': boolean; mode: 'all-or-nothing' | 'valid-rows'; rejected?: string; progress: boolean; quiet: boolean };
  const file = p.positionals[0]!;
  const interop = await import('../interop/index.js');
  const { parseProfile, resolveActor, runImport } = interop;
  const profile = parseProfile(await readJsonFile(values.profile, '--profile'), io.lang);
  return withRuntime(io, async (rt) => {
    const actor = await resolveActor(rt.ctx.db, values.as, values.org);
    const progress = progressFor(io, values.progress, 'rows', values.quiet);
    const report = await runImport(rt.ctx, actor, {
      profile,
      file,
      fileName: basename(file),
      mode: values.mode,
      dryRun: values['dry-run'],
      rejectedOut: values.rejected,
      lang: io.lang,
      onProgress: (x) => {
        if (x.phase !== 'done') progress.update(t(io.lang, `interop:cli.phase_${x.phase}`), x.rows, x.total);
      },
    });
    progress.done(report.rows);
    if (report.resumed) io.err(t(io.lang, 'interop:cli.resumed', { job: report.jobId }));
    printReport(io, io.lang, report, interop);
    if (report.state === 'failed') return 1;
    return report.rejected > 0 && values['dry-run'] ? 1 : 0;
  });
}
