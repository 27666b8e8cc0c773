/**
 * `atalaya chart SPEC.json [--out PREFIX]`: renders a chart or map described in a JSON file to
 * PREFIX.svg and PREFIX.csv (the data table) and prints the text description. The spec is the
 * input of one renderer plus `"kind": "timeseries" | "bar" | "map"`; the language is the user's
 * unless the spec sets `"lang"`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { AppError } from '../shared/errors.js';
import { isLang, t } from '../shared/i18n/index.js';
import {
  renderBarChart,
  renderTimeSeriesChart,
  toCsv,
  type BarChartInput,
  type RenderedChart,
  type TimeSeriesInput,
} from '../ui/charts/index.js';
import { renderChoroplethMap, type ChoroplethInput } from '../ui/maps/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';

const kinds = ['timeseries', 'bar', 'map'] as const;

function bad(
  key: string,
  values: Record<string, string | number> = {},
  path: (string | number)[] = [],
): AppError {
  return new AppError('bad_input', { issues: [{ path, key: `charts:${key}`, values }] });
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand(io, 'chart', { summary: 'cli:commands.chart', after: 'charts:cli.usage', args: ['[spec]'], options: { out: { type: 'string', short: 'o', arg: 'prefix' } } }, argv);
  if (!parsed.ok) return parsed.code;
  const values = parsed.values as { out?: string };
  const { positionals } = parsed;
  const file = positionals[0];
  if (!file) throw bad('errors.no_file');
  let spec: unknown;
  try {
    spec = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw bad('errors.bad_json', { file, reason: (e as Error).message });
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw bad('errors.bad_json', { file, reason: '{}' });
  const s = spec as Record<string, unknown>;
  const lang = s.lang === undefined ? io.lang : s.lang;
  if (!isLang(lang)) throw bad('errors.bad_lang', { value: String(lang) }, ['lang']);
  let out: RenderedChart;
  switch (s.kind) {
    case 'timeseries':
      out = renderTimeSeriesChart({ ...(s as unknown as TimeSeriesInput), lang });
      break;
    case 'bar':
      out = renderBarChart({ ...(s as unknown as BarChartInput), lang });
      break;
    case 'map':
      out = renderChoroplethMap({ ...(s as unknown as ChoroplethInput), lang });
      break;
    default:
      throw bad('errors.bad_kind', { value: String(s.kind), kinds: kinds.join(', ') }, ['kind']);
  }
  const prefix = values.out ?? file.replace(/\.json$/i, '');
  await writeFile(`${prefix}.svg`, out.svg);
  await writeFile(`${prefix}.csv`, toCsv(out.table));
  io.out(out.description);
  io.out(t(lang, 'charts:cli.wrote', { svg: `${prefix}.svg`, csv: `${prefix}.csv` }));
  return 0;
}
