/** `atalaya audit verify [--org SLUG]` and `atalaya audit export --org SLUG [--out FILE]` (CSV). */
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';
import { withRuntime } from './runtime.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'audit', { summary: 'cli:commands.audit' }, argv, {
    verify: { summary: 'cli:sub.audit_verify', options: { org: { type: 'string', arg: 'organisation' } } },
    export: { summary: 'cli:sub.audit_export', options: { org: { type: 'string', required: true, arg: 'organisation' }, out: { type: 'string', arg: 'file.csv' } } },
  });
  if (!p.ok) return p.code;
  const { sub } = p as { sub: string };
  const values = p.values as { org?: string; out?: string };
  const { auditHead, verifyAudit } = await import('../store/index.js');
  return withRuntime(io, async (rt) => {
    const db = rt.ctx.db;
    let orgId: string | undefined;
    if (values.org) {
      const o = await db.selectFrom('organisation').select('id').where('slug', '=', values.org).executeTakeFirst();
      if (!o) throw new AppError('not_found', { message: 'cli:user.no_such_org', values: { org: values.org } });
      orgId = o.id;
    }
    if (sub === 'verify') {
      const r = await verifyAudit(db, orgId);
      for (const p of r.problems) io.out(t(io.lang, `cli:audit.problem_${p.problem}`, { seq: p.seq, org: p.organisationId }));
      io.out(r.problems.length ? t(io.lang, 'cli:audit.broken', { count: r.problems.length, entries: r.entries }) : t(io.lang, 'cli:audit.intact', { entries: r.entries }));
      return r.problems.length ? 1 : 0;
    }
    if (sub === 'export') {
      if (!orgId) throw new AppError('bad_input', { message: 'cli:keys.org_missing' });
      const rows = await db.selectFrom('audit_log').selectAll().where('organisation_id', '=', orgId).orderBy('seq').execute();
      const head = await auditHead(db, orgId);
      const csv = stringify([
        ['seq', 'at', 'user_id', 'action', 'object_table', 'object_id', 'outcome', 'request_id', 'detail', 'prev_hash', 'hash'],
        ...rows.map((r) => [r.seq, new Date(r.at).toISOString(), r.user_id, r.action, r.object_table, r.object_id, r.outcome, r.request_id, JSON.stringify(r.detail), r.prev_hash, r.hash]),
      ]);
      if (values.out) writeFileSync(values.out, csv, { mode: 0o600 });
      else process.stdout.write(csv);
      io.err(t(io.lang, 'cli:audit.exported', { entries: rows.length, head: head?.hash ?? '-' }));
      return 0;
    }
    io.err(t(io.lang, 'cli:audit.usage'));
    return 2;
  });
}
