/**
 * Every environment variable Atalaya reads is read here, once, and validated together so that a
 * misconfigured server lists all its problems at once instead of failing on the first.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError, type FieldIssue } from '../shared/errors.js';

export interface Config {
  /** Data folder: embedded database, evidence files, keys, outbox. */
  readonly dataDir: string;
  /** A PostgreSQL server; when absent the embedded PGlite database in dataDir/db is used. */
  readonly databaseUrl: string | undefined;
  readonly port: number;
  readonly host: string;
  /** Base64 of 32 bytes; when absent a key file in dataDir/keys is used (created on first start). */
  readonly masterKey: Buffer | undefined;
  /** The address users reach (https://… turns on Secure cookies and HSTS). */
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  readonly statementTimeoutMs: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly trustProxy: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Requests per minute one client may make (login has its own, stricter throttling). */
  readonly rateLimitPerMinute: number;
  /** k for disclosure control of public statistics. */
  readonly disclosureK: number;
  /** On a PostgreSQL server: the web server works as the unprivileged role atalaya_app, so row-level security applies. */
  readonly dbRowSecurity: boolean;
  /** PostgreSQL hot standbys that serve reads which may be slightly behind (public pages, analysis, search). */
  readonly readUrls: readonly string[];
  /** A standby further behind than this is taken out of rotation. */
  readonly readMaxLagMs: number;
}

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const schema = z.object({
  ATALAYA_DATA: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
    .optional(),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ATALAYA_MASTER_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, {
      message: 'must be 32 bytes in base64 (make one with: openssl rand -base64 32)',
    })
    .optional(),
  ATALAYA_PUBLIC_URL: z.url().optional(),
  ATALAYA_SESSION_IDLE_MINUTES: int(1, 24 * 60).default(30),
  ATALAYA_SESSION_MAX_HOURS: int(1, 24 * 30).default(12),
  ATALAYA_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(15_000),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, { message: 'must start with smtp:// or smtps://' }).optional(),
  ATALAYA_MAIL_FROM: z.string().min(3).default('Atalaya <no-reply@localhost>'),
  ATALAYA_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  ATALAYA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('warn'),
  ATALAYA_DISCLOSURE_K: int(2, 100).default(5),
  ATALAYA_RATE_LIMIT_PER_MINUTE: int(10, 1_000_000).default(600),
  ATALAYA_DB_RLS: z.enum(['on', 'off']).default('on'),
  ATALAYA_READ_URL: z
    .string()
    .transform((s) => s.split(/,(?=\s*postgres(?:ql)?:\/\/)/).map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, { message: 'every URL must start with postgres:// or postgresql://' })))
    .optional(),
  ATALAYA_READ_MAX_LAG_MS: int(0, 3_600_000).default(5_000),
});

/** Builds the frozen Config from an environment; throws AppError('config') listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') clean[key] = v;
  }
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      key: 'errors:config',
      message: i.message,
    }));
    throw new AppError('config', { issues });
  }
  const e = parsed.data;
  if (e.ATALAYA_READ_URL?.length && !e.DATABASE_URL) {
    throw new AppError('config', {
      issues: [{ path: ['ATALAYA_READ_URL'], key: 'errors:config', message: 'read replicas follow a PostgreSQL server: set DATABASE_URL too' }],
    });
  }
  const port = e.PORT;
  const publicUrl = e.ATALAYA_PUBLIC_URL ?? `http://localhost:${port}`;
  return Object.freeze({
    dataDir: resolve(e.ATALAYA_DATA),
    databaseUrl: e.DATABASE_URL,
    port,
    host: e.HOST,
    masterKey: e.ATALAYA_MASTER_KEY ? Buffer.from(e.ATALAYA_MASTER_KEY, 'base64') : undefined,
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    sessionIdleMinutes: e.ATALAYA_SESSION_IDLE_MINUTES,
    sessionMaxHours: e.ATALAYA_SESSION_MAX_HOURS,
    statementTimeoutMs: e.ATALAYA_STATEMENT_TIMEOUT_MS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.ATALAYA_MAIL_FROM,
    trustProxy: e.ATALAYA_TRUST_PROXY === 'true',
    logLevel: e.ATALAYA_LOG_LEVEL,
    disclosureK: e.ATALAYA_DISCLOSURE_K,
    rateLimitPerMinute: e.ATALAYA_RATE_LIMIT_PER_MINUTE,
    dbRowSecurity: e.ATALAYA_DB_RLS === 'on',
    readUrls: Object.freeze(e.ATALAYA_READ_URL ?? []),
    readMaxLagMs: e.ATALAYA_READ_MAX_LAG_MS,
  });
}
