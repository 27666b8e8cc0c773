/**
 * `atalaya export --format csv|xlsx|json|hxl|esf --out FILE --as EMAIL|ORG [--org ORG] [filters]`
 * writes what the case list shows for the same filters (--q --country --subdivision --act-type
 * --status --visibility --from --to --archived), as that user would see it.
 */
import { createWriteStream } from 'node:fs';
import type { ExportFilters, ExportFormat } from '../interop/index.js';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand, type OptionSpec } from './cli-command.js';
import { progressFor, quietOption } from './cli-progress.js';
import { withRuntime } from './runtime.js';

const filterOptions = {
  q: 'q',
  country: 'country',
  subdivision: 'subdivision',
  'act-type': 'actType',
  'perpetrator-type': 'perpetratorType',
  sector: 'sector',
  status: 'status',
  visibility: 'visibility',
  from: 'from',
  to: 'to',
  archived: 'archived',
  sort: 'sort',
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(
    io,
    'export',
    {
      summary: 'cli:commands.export',
      options: {
        format: { type: 'string', default: 'csv', choices: ['csv', 'xlsx', 'json', 'hxl', 'esf'] },
        out: { type: 'string', required: true, arg: 'file' },
        as: { type: 'string', required: true, arg: 'email|organisation' },
        org: { type: 'string', arg: 'organisation' },
        ...Object.fromEntries(Object.keys(filterOptions).map((k): [string, OptionSpec] => [k, { type: 'string', arg: 'value', help: 'cli:opt.filter' }])),
        progress: { type: 'boolean', default: false },
        quiet: quietOption,
      },
    },
    argv,
  );
  if (!p.ok) return p.code;
  const values = p.values as Record<string, string | undefined> & { out: string; as: string; progress?: boolean; quiet?: boolean };
  const [{ exportFormats, exportIncidents, resolveActor }, { parseInput, recordInput }] = await Promise.all([import('../interop/index.js'), import('../records/index.js')]);
  const format = values.format as ExportFormat;
  if (!exportFormats.includes(format)) {
    throw new AppError('bad_input', { issues: [{ path: ['--format'], key: 'interop:cli.bad_format', values: { format: String(values.format), list: exportFormats.join(', ') } }] });
  }
  const raw: Record<string, string> = {};
  for (const [opt, field] of Object.entries(filterOptions)) {
    const v = (values as Record<string, unknown>)[opt];
    if (typeof v === 'string') raw[field] = v;
  }
  const { limit: _l, cursor: _c, ...filters } = parseInput(recordInput.listQuery, raw, io.lang);
  return withRuntime(io, async (rt, config) => {
    const actor = await resolveActor(rt.ctx.db, values.as!, values.org);
    const progress = progressFor(io, values.progress === true, 'incidents', values.quiet === true);
    const phase = t(io.lang, 'cli:progress.phase_export');
    const r = await exportIncidents(
      rt.ctx,
      actor,
      { format, filters: filters as ExportFilters, publicUrl: config.publicUrl, lang: io.lang, onProgress: (x) => progress.update(phase, x.incidents, null) },
      createWriteStream(values.out!, { mode: 0o600 }),
    );
    progress.done(r.incidents);
    io.out(t(io.lang, 'interop:cli.exported', { incidents: r.incidents, acts: r.acts, file: values.out, format }));
    return 0;
  });
}
