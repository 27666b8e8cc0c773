import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOutbox, sendMail } from './mail.js';

describe('sendMail without SMTP', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-mail-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = { smtpUrl: undefined, mailFrom: 'Atalaya <no-reply@example.org>', dataDir };

  it('writes an .eml per message that readOutbox decodes: accents, long links, html part', async () => {
    const link = 'https://atalaya.example.org/sign/' + 'x'.repeat(120);
    const r = await sendMail(config, { to: 'prensa@example.org', subject: 'Invitación a firmar: «Solidaridad» ñandú', text: `Hola,\n\nFirme aquí: ${link}\n`, html: '<p>Hola</p>' });
    expect(r.file).toMatch(/\.eml$/);
    expect(readFileSync(r.file!, 'utf8')).toMatch(/^From: Atalaya <no-reply@example.org>/m);
    await sendMail(config, { to: 'b@example.org', subject: 'Second', text: 'plain only' });
    const box = readOutbox(dataDir);
    expect(box).toHaveLength(2);
    const first = box.find((m) => m.to === 'prensa@example.org')!;
    expect(first.subject).toBe('Invitación a firmar: «Solidaridad» ñandú');
    expect(first.text).toContain(link);
    expect(first.html).toBe('<p>Hola</p>');
    expect(box.find((m) => m.to === 'b@example.org')!.text).toBe('plain only');
  });

  it('reads an empty or missing outbox as no messages', () => {
    expect(readOutbox(join(dataDir, 'nope'))).toEqual([]);
  });
});
