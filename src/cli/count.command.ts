/**
 * `atalaya count --by year,country --unit incidents|acts|victims [--where act_type=arrest,country=VE]
 * [--from 2020-01 --to 2021-12] [--org SLUG] [--format csv|json]`: counts as the system acting for
 * one organisation (its own records). The unit is stated in the output's header and on stderr.
 */
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';
import { withRuntime } from './runtime.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(
    io,
    'count',
    {
      summary: 'cli:commands.count',
      after: 'analysis:cli.usage',
      options: {
        by: { type: 'string', arg: 'fields' },
        unit: { type: 'string', default: 'incidents', arg: 'unit' },
        where: { type: 'string', arg: 'filters' },
        from: { type: 'string', arg: 'date' },
        to: { type: 'string', arg: 'date' },
        q: { type: 'string', arg: 'text' },
        org: { type: 'string', arg: 'organisation' },
        format: { type: 'string', default: 'csv', arg: 'csv|json' },
      },
    },
    argv,
  );
  if (!p.ok) return p.code;
  const v = p.values as Record<string, string | undefined>;
  const { countRecords, parseCountQuery, resolveOrganisation } = await import('../trends/index.js');
  if (v.format !== 'csv' && v.format !== 'json') {
    throw new AppError('bad_input', { issues: [{ path: ['--format'], key: 'analysis:errors.bad_format', values: { value: String(v.format) } }] });
  }
  const q = parseCountQuery({ by: v.by, unit: v.unit, where: v.where, from: v.from, to: v.to, q: v.q });
  return withRuntime(io, async (rt, config) => {
    const org = await resolveOrganisation(rt.ctx.db, v.org);
    const result = await countRecords(rt.ctx, { kind: 'system', organisationId: org.id }, q, { timeoutMs: config.statementTimeoutMs });
    const unitName = t(io.lang, `analysis:units.${q.unit}`);
    if (v.format === 'json') {
      io.out(JSON.stringify({ organisation: org.slug, ...result }, null, 2));
    } else {
      const header = [...(q.period ? ['period'] : []), ...q.by, q.unit];
      const rows = result.rows.map((r) => [...(q.period ? [r.period] : []), ...q.by.map((f) => r.keys[f] ?? ''), r.count]);
      io.out(stringify([header, ...rows]).trimEnd());
    }
    io.err(t(io.lang, 'analysis:cli.unit_note', { unit: unitName, org: org.slug }));
    if (q.period && (result.excluded.undated || result.excluded.imprecise)) {
      io.err(t(io.lang, 'analysis:cli.excluded', { undated: result.excluded.undated, imprecise: result.excluded.imprecise, unit: unitName }));
    }
    return 0;
  });
}
