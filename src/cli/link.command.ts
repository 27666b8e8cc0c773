/**
 * `atalaya link --config link.json --out DIR a.csv [b.csv] [--count-only]`: deduplicates one CSV
 * file or links two with the Fellegi–Sunter engine of src/linkage, and writes DIR/pairs.csv,
 * DIR/pairs-explained.csv, DIR/clusters.csv and DIR/model.json (the trained model with the hashes
 * of its inputs, so a run can be reproduced).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import {
  parseLinkConfig,
  planLinkage,
  runLinkage,
  type LinkConfig,
  type LinkPhase,
  type LinkRecord,
  type LinkResult,
} from '../linkage/index.js';
import { AppError, type FieldIssue } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

function configColumns(config: LinkConfig): string[] {
  const cols = new Set<string>([config.idColumn]);
  for (const c of config.comparisons) {
    if (c.type === 'name') [...c.given, ...c.surname, ...(c.full ? [c.full] : [])].forEach((x) => cols.add(x));
    else cols.add(c.column);
  }
  return [...cols];
}

async function readConfig(path: string): Promise<{ config: LinkConfig; hash: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AppError('bad_input', {
      issues: [{ path: [], key: 'linkage:config_unreadable', values: { file: path, reason: (e as Error).message } }],
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('bad_input', {
      issues: [{ path: [], key: 'linkage:config_not_json', values: { file: path, reason: (e as Error).message } }],
    });
  }
  return { config: parseLinkConfig(json), hash: createHash('sha256').update(text).digest('hex') };
}

interface ReadFile {
  records: LinkRecord[];
  columns: string[];
  hash: string;
}

/** Reads one CSV file into records, checking the columns the config needs and the ids (empty, repeated). */
async function readCsv(path: string, source: string, config: LinkConfig): Promise<ReadFile> {
  const hash = createHash('sha256');
  const records: LinkRecord[] = [];
  let columns: string[] = [];
  const firstLine = new Map<string, number>();
  const issues: FieldIssue[] = [];
  const file = basename(path);
  const input = createReadStream(path);
  input.on('data', (chunk) => hash.update(chunk));
  const parser = input.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      columns: (header: string[]) => {
        columns = header;
        const missing = configColumns(config).filter((c) => !header.includes(c));
        if (missing.length) {
          throw new AppError('bad_input', {
            issues: missing.map((column) => ({
              path: [file],
              key: 'linkage:missing_column_in_file',
              values: { file, column, columns: header.join(', ') },
            })),
          });
        }
        return header;
      },
    }),
  );
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = row.info.lines;
      const id = row.record[config.idColumn] ?? '';
      if (id === '') {
        if (issues.length < 20) issues.push({ path: [file, line], key: 'linkage:missing_id', values: { file, line, column: config.idColumn } });
        continue;
      }
      const first = firstLine.get(id);
      if (first !== undefined) {
        if (issues.length < 20) issues.push({ path: [file, line], key: 'linkage:duplicate_id', values: { file, line, id, first } });
        continue;
      }
      firstLine.set(id, line);
      const fields: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(row.record)) fields[k] = v === '' ? null : v;
      records.push({ source, id, fields });
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const err = e as NodeJS.ErrnoException;
    const key = err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR' ? 'linkage:file_unreadable' : 'linkage:csv_error';
    throw new AppError('bad_input', { issues: [{ path: [file], key, values: { file: path, reason: err.message } }] });
  }
  if (issues.length) throw new AppError('bad_input', { issues });
  return { records, columns, hash: hash.digest('hex') };
}

async function writeCsv(path: string, header: string[], rows: Iterable<unknown[]>): Promise<void> {
  const out = createWriteStream(path);
  const csv = stringify({ header: true, columns: header });
  csv.pipe(out);
  for (const row of rows) {
    if (!csv.write(row)) await new Promise((r) => csv.once('drain', r));
  }
  csv.end();
  await finished(out);
}

/** Draws a progress bar on stderr, only on a terminal and only once a run has lasted a second. */
function progressBar(io: CliIO): { onProgress?: (phase: LinkPhase, done: number, total: number) => void; stop: () => void } {
  if (!io.tty) return { stop: () => undefined };
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let current: LinkPhase | undefined;
  return {
    onProgress: (phase, done, total) => {
      if (!bar && Date.now() - started < 1000) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: '{phase} [{bar}] {percentage}% {value}/{total}', stream: process.stderr, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), done, { phase: t(io.lang, `linkage:phase.${phase}`) });
        current = phase;
        return;
      }
      if (phase !== current) {
        current = phase;
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { phase: t(io.lang, `linkage:phase.${phase}`) });
      } else {
        bar.update(Math.min(done, total));
      }
    },
    stop: () => bar?.stop(),
  };
}

const num = (lang: CliIO['lang'], x: number, digits = 0): string =>
  new Intl.NumberFormat(lang === 'es' ? 'es-VE' : 'en-GB', { maximumFractionDigits: digits }).format(x);

function printSummary(io: CliIO, result: LinkResult, records: number, files: string[]): void {
  const L = io.lang;
  io.out(t(L, 'linkage:summary.records', { count: num(L, records), mode: t(L, `linkage:summary.mode_${result.mode}`) }));
  io.out(t(L, 'linkage:summary.rules'));
  for (const r of result.rules) io.out(t(L, 'linkage:summary.rule', { rule: r.name, pairs: num(L, r.pairs), fresh: num(L, r.newPairs) }));
  io.out(t(L, 'linkage:summary.total', { total: num(L, result.candidatePairs) }));
  for (const s of result.model.sessions) {
    io.out(
      t(L, 'linkage:summary.session', {
        rule: s.rule,
        pairs: num(L, s.pairs),
        iterations: s.iterations,
        note: s.converged ? '' : t(L, 'linkage:summary.not_converged'),
      }),
    );
  }
  io.out(t(L, 'linkage:summary.lambda', { lambda: result.model.lambda.toExponential(3) }));
  io.out(t(L, 'linkage:summary.above', { threshold: num(L, result.estimate.threshold, 4), count: num(L, result.estimate.pairsAbove) }));
  io.out(
    t(L, 'linkage:summary.estimate', {
      precision: num(L, result.estimate.precision, 3),
      recall: num(L, result.estimate.recall, 3),
    }),
  );
  const sizes = new Map<number, number>();
  for (const c of result.clusterOf) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const multi = [...sizes.values()].filter((s) => s > 1).length;
  io.out(t(L, 'linkage:summary.clusters', { clusters: num(L, result.clusterCount), multi: num(L, multi), cut: result.cutLinks }));
  for (const w of result.warnings) io.err(t(L, 'linkage:summary.warning', { message: t(L, w.key, w.values) }));
  io.out(t(L, 'linkage:summary.written', { files: files.join(', ') }));
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand(
    io,
    'link',
    {
      summary: 'cli:commands.link',
      args: ['[files...]'],
      after: 'cli:after.link',
      options: { config: { type: 'string', arg: 'link.json' }, out: { type: 'string', arg: 'dir' }, 'count-only': { type: 'boolean', default: false } },
    },
    argv,
  );
  if (!parsed.ok) return parsed.code;
  const { positionals } = parsed;
  const values = parsed.values as { config?: string; out?: string; 'count-only': boolean };
  const issues: FieldIssue[] = [];
  if (!values.config) issues.push({ path: [], key: 'linkage:missing_option', values: { option: '--config' } });
  if (!values.out && !values['count-only']) issues.push({ path: [], key: 'linkage:missing_option', values: { option: '--out' } });
  if (positionals.length < 1 || positionals.length > 2) {
    issues.push({ path: [], key: 'linkage:file_count', values: { count: positionals.length } });
  }
  if (issues.length) {
    io.err(t(io.lang, 'linkage:usage'));
    throw new AppError('bad_input', { issues });
  }

  const { config, hash: configHash } = await readConfig(values.config!);
  const names = positionals.map((p) => basename(p).replace(/\.csv$/i, ''));
  if (names.length === 2 && names[0] === names[1]) names[1] = `${names[1]}#2`;
  const inputs: ReadFile[] = [];
  for (let k = 0; k < positionals.length; k++) inputs.push(await readCsv(positionals[k]!, names[k]!, config));
  const records = inputs.flatMap((f) => f.records);
  // Only columns every file has count as present.
  const columns = inputs.map((f) => new Set(f.columns)).reduce((a, b) => new Set([...a].filter((c) => b.has(c))));

  if (values['count-only']) {
    const { plan, warnings } = planLinkage(records, config, { columns });
    io.out(t(io.lang, 'linkage:summary.rules'));
    for (const r of plan) io.out(t(io.lang, 'linkage:summary.rule_count', { rule: r.name, pairs: num(io.lang, r.pairs) }));
    io.out(t(io.lang, 'linkage:summary.total_upper', { total: num(io.lang, plan.reduce((s, r) => s + r.pairs, 0)) }));
    for (const w of warnings) io.err(t(io.lang, 'linkage:summary.warning', { message: t(io.lang, w.key, w.values) }));
    return 0;
  }

  const bar = progressBar(io);
  let result: LinkResult;
  try {
    result = runLinkage(records, config, { columns, ...(bar.onProgress ? { onProgress: bar.onProgress } : {}) });
  } finally {
    bar.stop();
  }

  const dir = values.out!;
  await mkdir(dir, { recursive: true });
  const order = Array.from({ length: result.pairs.length }, (_, k) => k).sort(
    (a, b) => result.pairs.weight[b]! - result.pairs.weight[a]!,
  );
  const idOf = (i: number): string => records[i]!.id;
  const round = (x: number, d: number): number => Number(x.toFixed(d));
  await writeCsv(
    join(dir, 'pairs.csv'),
    ['left_id', 'right_id', 'match_weight', 'match_probability'],
    order.map((k) => [
      idOf(result.pairs.left[k]!),
      idOf(result.pairs.right[k]!),
      round(result.pairs.weight[k]!, 4),
      round(result.pairs.probability[k]!, 6),
    ]),
  );
  const comps = result.model.comparisons.map((c) => c.name);
  await writeCsv(
    join(dir, 'pairs-explained.csv'),
    [
      'left_id',
      'right_id',
      'prior_weight',
      ...comps.flatMap((c) => [`${c}_level`, `${c}_weight`, `${c}_tf_adjustment`]),
      'match_weight',
      'match_probability',
    ],
    (function* () {
      for (const k of order) {
        const i = result.pairs.left[k]!;
        const j = result.pairs.right[k]!;
        const ex = result.explain(i, j);
        yield [
          idOf(i),
          idOf(j),
          round(ex.priorWeight, 4),
          ...ex.comparisons.flatMap((c) => [c.level, round(c.weight, 4), round(c.tfAdjustment, 4)]),
          round(ex.weight, 4),
          round(ex.probability, 6),
        ];
      }
    })(),
  );
  const clusterId = (c: number): string => `c${String(c + 1).padStart(6, '0')}`;
  await writeCsv(
    join(dir, 'clusters.csv'),
    ['source', 'record_id', 'cluster_id'],
    records.map((r, i) => [r.source, r.id, clusterId(result.clusterOf[i]!)]),
  );
  const model = {
    ...result.model,
    config: result.config,
    inputs: {
      config: { file: basename(values.config!), sha256: configHash },
      files: positionals.map((p, k) => ({ file: basename(p), source: names[k], records: inputs[k]!.records.length, sha256: inputs[k]!.hash })),
    },
    rules: result.rules,
    candidatePairs: result.candidatePairs,
    estimate: result.estimate,
    clusters: result.clusterCount,
    cutLinks: result.cutLinks,
    warnings: result.warnings,
  };
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(dir, 'model.json'), JSON.stringify(model, null, 2) + '\n');
  printSummary(io, result, records.length, ['pairs.csv', 'pairs-explained.csv', 'clusters.csv', 'model.json'].map((f) => join(dir, f)));
  return 0;
}
