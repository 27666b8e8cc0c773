/**
 * `atalaya import --profile p.json --as EMAIL|ORG [--dry-run] [--mode all-or-nothing|valid-rows]
 *  [--rejected out.csv] FILE` imports a CSV or XLSX file (see README, "Import profiles"). A dry run
 * validates every row and lists problems by line and column without writing. Running the same
 * command again after a crash resumes the job; on a finished import it changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { issueText, parseProfile, resolveActor, runImport, type ImportReport } from '../interop/index.js';
import { AppError } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { withRuntime } from './runtime.js';

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

export function printReport(io: CliIO, lang: Lang, r: ImportReport, showIssues = 50): void {
  for (const w of r.warnings.slice(0, 20)) io.err(`${t(lang, 'interop:cli.warning')}: ${issueText(lang, w)}`);
  if (r.unmatched.length) {
    io.out(t(lang, 'interop:cli.unmatched_title'));
    for (const u of r.unmatched.slice(0, 50)) {
      const sug = u.suggestions.map((s) => `${s.code} (${s.label}, ${s.score})`).join('; ') || t(lang, 'interop:cli.no_suggestion');
      io.out(`  ${u.column} = "${u.value}" ×${u.count} → ${sug}`);
    }
  }
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
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      mode: { type: 'string', default: 'all-or-nothing' },
      rejected: { type: 'string' },
      as: { type: 'string' },
      org: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || !values.profile || !values.as) {
    io.err(t(io.lang, 'interop:cli.import_usage'));
    return 2;
  }
  const mode = values.mode;
  if (mode !== 'all-or-nothing' && mode !== 'valid-rows') {
    throw new AppError('bad_input', { issues: [{ path: ['--mode'], key: 'interop:cli.bad_mode', values: { mode } }] });
  }
  const profile = parseProfile(await readJsonFile(values.profile, '--profile'), io.lang);
  return withRuntime(io, async (rt) => {
    const actor = await resolveActor(rt.ctx.db, values.as!, values.org);
    const bar = io.tty ? new cliProgress.SingleBar({ format: ' {phase} [{bar}] {value}/{total}', clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
    let phase = '';
    const report = await runImport(rt.ctx, actor, {
      profile,
      file,
      fileName: basename(file),
      mode,
      dryRun: values['dry-run'],
      rejectedOut: values.rejected,
      lang: io.lang,
      onProgress: (p) => {
        if (!bar) return;
        const label = t(io.lang, `interop:cli.phase_${p.phase}`);
        if (label !== phase) {
          if (phase) bar.stop();
          phase = label;
          bar.start(p.total ?? p.rows, p.rows, { phase: label });
        }
        bar.setTotal(Math.max(p.total ?? p.rows, p.rows));
        bar.update(p.rows, { phase: label });
      },
    });
    bar?.stop();
    if (report.resumed) io.err(t(io.lang, 'interop:cli.resumed', { job: report.jobId }));
    printReport(io, io.lang, report);
    if (report.state === 'failed') return 1;
    return report.rejected > 0 && values['dry-run'] ? 1 : 0;
  });
}
