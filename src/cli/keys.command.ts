/**
 * `atalaya keys rotate | export --org SLUG --out FILE | import FILE | seal --org SLUG --i-have-the-backup`.
 * Passphrases come from ATALAYA_KEYS_PASSPHRASE or are typed without echo.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { DB } from '../store/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand } from './cli-command.js';
import { readSecret } from './cli-prompt.js';
import { withRuntime } from './runtime.js';

async function orgBySlug(db: DB, slug: string | undefined): Promise<string> {
  if (!slug) throw new AppError('bad_input', { message: 'cli:keys.org_missing' });
  const o = await db.selectFrom('organisation').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!o) throw new AppError('not_found', { message: 'cli:user.no_such_org', values: { org: slug } });
  return o.id;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const org = { type: 'string', required: true, arg: 'organisation' } as const;
  const p = parseCommand(io, 'keys', { summary: 'cli:commands.keys' }, argv, {
    rotate: { summary: 'cli:sub.keys_rotate' },
    export: { summary: 'cli:sub.keys_export', options: { org, out: { type: 'string', required: true, arg: 'file' } } },
    import: { summary: 'cli:sub.keys_import', args: ['<file>'] },
    seal: { summary: 'cli:sub.keys_seal', options: { org, 'i-have-the-backup': { type: 'boolean', default: false } } },
  });
  if (!p.ok) return p.code;
  const { positionals, sub } = p as { positionals: string[]; sub: string };
  const values = p.values as { org?: string; out?: string; 'i-have-the-backup'?: boolean };
  const { exportOrganisationKeys, importOrganisationKeys, rotateMasterKey, sealOrganisation } = await import('../access/index.js');
  return withRuntime(io, async (rt) => {
    const db = rt.ctx.db;
    switch (sub) {
      case 'rotate': {
        const r = await rotateMasterKey(db, rt.master, rt.config.dataDir);
        io.out(t(io.lang, 'cli:keys.rotated', { count: r.rewrapped }));
        if (r.file) io.out(t(io.lang, 'cli:keys.rotated_file', { file: r.file }));
        else io.out(t(io.lang, 'cli:keys.rotated_env', { key: r.newKey.key.toString('base64') }));
        return 0;
      }
      case 'export': {
        const orgId = await orgBySlug(db, values.org);
        if (!values.out) throw new AppError('bad_input', { message: 'cli:keys.out_missing' });
        const pass = await readSecret(io, 'ATALAYA_KEYS_PASSPHRASE', t(io.lang, 'cli:keys.passphrase_prompt'));
        const doc = await exportOrganisationKeys(db, rt.master, orgId, pass);
        writeFileSync(values.out, doc, { mode: 0o600 });
        io.out(t(io.lang, 'cli:keys.exported', { file: values.out }));
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw new AppError('bad_input', { message: 'cli:keys.file_missing' });
        const pass = await readSecret(io, 'ATALAYA_KEYS_PASSPHRASE', t(io.lang, 'cli:keys.passphrase_prompt'));
        const r = await importOrganisationKeys(db, rt.master, readFileSync(file, 'utf8'), pass);
        io.out(t(io.lang, 'cli:keys.imported', { count: r.keys }));
        return 0;
      }
      case 'seal': {
        const orgId = await orgBySlug(db, values.org);
        await sealOrganisation(db, orgId, null, { backupConfirmed: values['i-have-the-backup'] === true });
        io.out(t(io.lang, 'cli:keys.sealed'));
        return 0;
      }
      default:
        io.err(t(io.lang, 'cli:keys.usage'));
        return 2;
    }
  });
}
