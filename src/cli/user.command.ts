/**
 * `atalaya user create|reset-password|revoke-sessions|reset-mfa|list`: account administration from the
 * server's shell, for when no e-mail is configured or an administrator is locked out.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import type { DB, Role } from '../store/index.js';
import type { CliIO } from './cli-io.js';
import { parseCommand, type CommandSpec } from './cli-command.js';
import { readSecret } from './cli-prompt.js';
import { withRuntime } from './runtime.js';

const roles: Role[] = ['admin', 'documenter', 'analyst', 'reviewer', 'viewer', 'signatory'];

async function userByEmail(db: DB, email: string | undefined) {
  if (!email) throw new AppError('bad_input', { issues: [{ path: ['EMAIL'], key: 'cli:user.email_missing' }] });
  const u = await db.selectFrom('app_user').select(['id', 'email']).where('email', '=', email).executeTakeFirst();
  if (!u) throw new AppError('not_found', { message: 'cli:user.no_such_user', values: { email } });
  return u;
}

async function auditUser(db: DB, userId: string, action: string) {
  const { appendAudit } = await import('../store/index.js');
  await db.transaction().execute(async (trx) => {
    const orgs = await trx.selectFrom('membership').select('organisation_id').where('user_id', '=', userId).execute();
    for (const o of orgs) await appendAudit(trx, { organisationId: o.organisation_id, userId: null, action, objectTable: 'app_user', objectId: userId, detail: { via: 'cli' } });
  });
}

const withEmail = (summary: string): CommandSpec => ({ summary, args: ['<email>'] });
const userSubcommands: Record<string, CommandSpec> = {
  create: {
    summary: 'cli:sub.user_create',
    args: ['<email>'],
    options: {
      org: { type: 'string', required: true, arg: 'organisation' },
      role: { type: 'string', required: true, choices: roles },
      name: { type: 'string', arg: 'name' },
      lang: { type: 'string', choices: ['es', 'en'] },
    },
  },
  invite: {
    summary: 'cli:sub.user_invite',
    args: ['<email>'],
    options: {
      org: { type: 'string', required: true, arg: 'organisation' },
      role: { type: 'string', required: true, choices: roles },
    },
  },
  'reset-password': withEmail('cli:sub.user_reset_password'),
  'revoke-sessions': withEmail('cli:sub.user_revoke_sessions'),
  'reset-mfa': withEmail('cli:sub.user_reset_mfa'),
  list: { summary: 'cli:sub.user_list' },
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const p = parseCommand(io, 'user', { summary: 'cli:commands.user' }, argv, userSubcommands);
  if (!p.ok) return p.code;
  const { values, positionals, sub } = p as { values: Record<string, string | undefined>; positionals: string[]; sub: string };
  const email = positionals[0];
  const { createUser, endUserSessions, hashPassword, passwordProblem, resetTotp } = await import('../access/index.js');
  return withRuntime(io, async (rt, config) => {
    const db = rt.ctx.db;
    switch (sub) {
      case 'create': {
        if (!email || !values.org || !values.role || !roles.includes(values.role as Role)) {
          throw new AppError('bad_input', { message: 'cli:user.create_usage' });
        }
        const org = await db.selectFrom('organisation').select('id').where('slug', '=', values.org).executeTakeFirst();
        if (!org) throw new AppError('not_found', { message: 'cli:user.no_such_org', values: { org: values.org } });
        const password = randomBytes(12).toString('base64url');
        await createUser(db, { email, displayName: values.name ?? email, password, mustChangePassword: true, lang: values.lang === 'en' ? 'en' : 'es', memberships: [{ organisationId: org.id, role: values.role as Role }] });
        io.out(t(io.lang, 'cli:user.created', { email, password }));
        return 0;
      }
      case 'invite': {
        // The same invitation as on the web: a single-use link by e-mail (or to the outbox), never a password.
        if (!email || !values.org || !values.role || !roles.includes(values.role as Role)) {
          throw new AppError('bad_input', { message: 'cli:user.invite_usage' });
        }
        const org = await db.selectFrom('organisation').select('id').where('slug', '=', values.org).executeTakeFirst();
        if (!org) throw new AppError('not_found', { message: 'cli:user.no_such_org', values: { org: values.org } });
        const { createInvitation } = await import('../access/index.js');
        const { sendMail } = await import('../shared/mail.js');
        const inst = await db.selectFrom('app_user').select('id').where('installation_admin', '=', true).executeTakeFirst();
        const sent = await createInvitation(db, { organisationId: org.id, userId: inst?.id ?? null }, { email, role: values.role });
        const link = `${config.publicUrl}/invitations/${encodeURIComponent(sent.token)}`;
        const r = await sendMail(
          { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir },
          { to: sent.email, subject: t(sent.lang, 'install:invite.mail_subject', { organisation: sent.organisationName }), text: t(sent.lang, 'install:invite.mail_body', { organisation: sent.organisationName, link }) },
        );
        io.out(t(io.lang, r.file ? 'cli:user.invited_outbox' : 'cli:user.invited', { email: sent.email, file: r.file ?? '' }));
        return 0;
      }
      case 'reset-password': {
        const u = await userByEmail(db, email);
        const typed = io.env.ATALAYA_NEW_PASSWORD ? await readSecret(io, 'ATALAYA_NEW_PASSWORD', '') : null;
        const password = typed ?? randomBytes(12).toString('base64url');
        const problem = passwordProblem(password, [u.email]);
        if (problem) throw new AppError('validation', { issues: [{ path: ['ATALAYA_NEW_PASSWORD'], key: `access:${problem}` }] });
        await db.updateTable('app_user').set({ password_hash: await hashPassword(password), password_changed_at: new Date(), must_change_password: true }).where('id', '=', u.id).execute();
        const ended = await endUserSessions(db, u.id);
        await auditUser(db, u.id, 'user.password_reset');
        io.out(typed ? t(io.lang, 'cli:user.password_set', { email: u.email, sessions: ended }) : t(io.lang, 'cli:user.password_reset', { email: u.email, password, sessions: ended }));
        return 0;
      }
      case 'revoke-sessions': {
        const u = await userByEmail(db, email);
        const n = await endUserSessions(db, u.id);
        await auditUser(db, u.id, 'user.sessions_revoked');
        io.out(t(io.lang, 'cli:user.sessions_revoked', { email: u.email, count: n }));
        return 0;
      }
      case 'reset-mfa': {
        const u = await userByEmail(db, email);
        await resetTotp(db, u.id);
        io.out(t(io.lang, 'cli:user.mfa_reset', { email: u.email }));
        return 0;
      }
      case 'list': {
        const rows = await db
          .selectFrom('app_user as u')
          .leftJoin('membership as m', 'm.user_id', 'u.id')
          .leftJoin('organisation as o', 'o.id', 'm.organisation_id')
          .select(['u.email', 'u.totp_enabled', 'u.disabled_at', 'o.slug', 'm.role'])
          .orderBy('u.email')
          .execute();
        for (const r of rows) io.out(`${r.email}\t${r.slug ?? '-'}\t${r.role ?? '-'}\t${r.totp_enabled ? 'mfa' : 'no-mfa'}${r.disabled_at ? '\tdisabled' : ''}`);
        return 0;
      }
      default:
        io.err(t(io.lang, 'cli:user.usage'));
        return 2;
    }
  });
}
