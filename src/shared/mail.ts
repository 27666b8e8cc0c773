/**
 * The one mail sender. With SMTP_URL configured, mail goes through nodemailer's SMTP transport;
 * without it every message is written as an RFC 5322 `.eml` file to `<ATALAYA_DATA>/outbox/`, so
 * nothing is lost on a server without mail and tests can read what would have been sent.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';

export interface MailConfig {
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly dataDir: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

const transports = new Map<string, Transporter>();

/** nodemailer is loaded when the first message goes out: an idle server does not carry it. */
async function mailer(): Promise<(typeof import('nodemailer'))['default']> {
  return (await import('nodemailer')).default;
}

async function smtp(url: string): Promise<Transporter> {
  let t = transports.get(url);
  if (!t) {
    t = (await mailer()).createTransport(url);
    transports.set(url, t);
  }
  return t;
}

export function outboxDir(dataDir: string): string {
  return join(dataDir, 'outbox');
}

/**
 * Sends after the current request has been answered: the answer then neither waits on the mail
 * server nor shows, by taking longer, that there was something to send (password resets).
 */
export function sendMailLater(config: MailConfig, msg: MailMessage, onError: (e: unknown) => void): void {
  setImmediate(() => {
    sendMail(config, msg).catch(onError);
  });
}

/** Sends one message; returns the outbox file path when no SMTP server is configured. */
export async function sendMail(config: MailConfig, msg: MailMessage): Promise<{ file?: string }> {
  const message = {
    from: config.mailFrom,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    ...(msg.html ? { html: msg.html } : {}),
    // Base64 parts keep long links whole, so they survive any line-length limit on the way.
    textEncoding: 'base64' as const,
  };
  if (config.smtpUrl) {
    await (await smtp(config.smtpUrl)).sendMail(message);
    return {};
  }
  const built = await (await mailer()).createTransport({ streamTransport: true, buffer: true, newline: 'unix' }).sendMail(message);
  const dir = outboxDir(config.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
  writeFileSync(file, built.message as Buffer, { mode: 0o600 });
  return { file };
}

export interface OutboxMessage {
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function headersOf(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function decodeBody(body: string, encoding: string | undefined): string {
  const e = (encoding ?? '').toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body.replace(/\r?\n$/, '');
}

function parts(headers: Map<string, string>, body: string): { type: string; text: string }[] {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith('multipart/') || !boundary) {
    return [{ type: type.split(';')[0]!.trim().toLowerCase(), text: decodeBody(body, headers.get('content-transfer-encoding')) }];
  }
  const out: { type: string; text: string }[] = [];
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const [h, ...rest] = chunk.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    out.push(...parts(headersOf(h ?? ''), rest.join('\n\n').replace(/\r?\n$/, '')));
  }
  return out;
}

/** Reads the outbox (oldest first), decoding headers and bodies: for tests and for the `doctor`. */
export function readOutbox(dataDir: string): OutboxMessage[] {
  let files: string[];
  try {
    files = readdirSync(outboxDir(dataDir)).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const file = join(outboxDir(dataDir), f);
    const raw = readFileSync(file, 'utf8');
    const split = raw.search(/\r?\n\r?\n/);
    const headers = headersOf(raw.slice(0, split));
    const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
    const ps = parts(headers, body);
    return {
      file,
      to: decodeWords(headers.get('to') ?? ''),
      subject: decodeWords(headers.get('subject') ?? ''),
      text: ps.find((p) => p.type === 'text/plain')?.text ?? '',
      html: ps.find((p) => p.type === 'text/html')?.text ?? null,
    };
  });
}
