import { attackDir } from '../../test/support/attack.js';
/**
 * Sign-on paths besides e-mail links (organisations on the platform, open sign-on with e-mail
 * confirmation and moderation), signatory order, tenancy, import of a published statement, and the
 * hero image pipeline.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord } from '../records/index.js';
import { readOutbox } from '../shared/mail.js';
import { AppError } from '../shared/errors.js';
import { Client, startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import {
  answerAsMember,
  changeStatus,
  confirmOpenSignature,
  createStatement,
  getStatementForEditor,
  importStatement,
  invitationsForOrganisation,
  inviteSignatory,
  moderateSignature,
  parseStatementText,
  processHeroImage,
  publicStatementBySlug,
  readHero,
  requestOpenSignature,
  setSignatoryOrder,
  setStatementClock,
  startPublicationTimer,
} from './index.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('parseStatementText', () => {
  it('reads title, date, lead, body and signatories', () => {
    const p = parseStatementText('\nVenezuela | Solidarity\n16/02/2021\n\nLead paragraph\non two lines.\n\nSecond paragraph.\n\nThird.\n\nFirmantes:\n- CEJIL\n* WOLA\n\nCEJIL\n');
    expect(p).toEqual({ title: 'Venezuela | Solidarity', date: '2021-02-16', lead: 'Lead paragraph on two lines.', body: 'Second paragraph.\n\nThird.', signatories: ['CEJIL', 'WOLA'] });
  });

  it('names the line of a bad date and a missing body', () => {
    try {
      parseStatementText('Title\n2021-02-30\n');
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('validation');
      expect((e as AppError).issues.map((i) => i.key)).toEqual(['statements:errors.import_date', 'statements:errors.import_body']);
      expect((e as AppError).issues[0]!.values).toEqual({ line: 2 });
    }
  });

  it('property: it either parses or throws a validation error, and keeps every signatory line', () => {
    const line = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\n') && s.trim().length > 0 && !/^\s*[-*•·]/.test(s) && !/:\s*$/.test(s));
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseStatementText(text);
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe('validation');
        }
      }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(line, { minLength: 1, maxLength: 12, selector: (s) => s.trim() }), (names) => {
        const p = parseStatementText(`A title\n2020-01-31\n\nLead.\n\nSignatories:\n${names.join('\n')}`);
        expect(p.signatories).toEqual(names.map((n) => n.trim()));
      }),
    );
  });
});

describe.each(engines)('sign-on paths and hero images on %s', (engine) => {
  let s: TestApp;
  let coord: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let statementId = '';
  const mail = () => ({ smtpUrl: undefined, mailFrom: 'a@example.org', dataDir: s.t.dataDir, publicUrl: 'https://atalaya.example.org' });

  beforeAll(async () => {
    s = await startTestApp(engine);
    const a = await makeOrg(s.t, 'coord-org');
    const b = await makeOrg(s.t, 'member-org');
    const c = await makeOrg(s.t, 'other-org');
    coord = await makeUser(s.t, a, 'admin');
    member = await makeUser(s.t, b, 'reviewer');
    outsider = await makeUser(s.t, c, 'admin');
    const st = await createStatement(s.t, coord, { sourceLang: 'es', title: 'Solidaridad con defensoras', lead: 'Entrada.', body: 'Texto.', countries: ['VE'], openSignon: true });
    statementId = st.id;
  });
  afterAll(async () => s?.close());

  it('keeps statements inside their organisation', async () => {
    await expect(getStatementForEditor(s.t, outsider, statementId)).rejects.toMatchObject({ code: 'not_found' });
    const viewer = await makeUser(s.t, coord.organisationId, 'viewer', [], { totp: false });
    await expect(changeStatus(s.t, viewer, statementId, { to: 'open' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('an organisation on the platform answers its invitation from its own workspace', async () => {
    await changeStatus(s.t, coord, statementId, { to: 'open' });
    await inviteSignatory(s.t, coord, statementId, { organisationId: member.organisationId, lang: 'es' }, mail());
    await expect(inviteSignatory(s.t, coord, statementId, { organisationId: member.organisationId, lang: 'es' }, mail())).rejects.toMatchObject({ code: 'validation' });
    const inv = await invitationsForOrganisation(s.t, member);
    expect(inv).toHaveLength(1);
    expect(inv[0]!.versions[0]!.title).toBe('Solidaridad con defensoras');
    expect(await invitationsForOrganisation(s.t, outsider)).toEqual([]);
    await expect(answerAsMember(s.t, outsider, inv[0]!.id, 'sign', {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(answerAsMember(s.t, member, inv[0]!.id, 'sign', { authority: false, signerName: 'Ana', names: { es: 'Org B' } })).rejects.toMatchObject({ code: 'validation' });
    expect(await answerAsMember(s.t, member, inv[0]!.id, 'sign', { authority: 'on', signerName: 'Ana', names: { es: 'Zeta Org' } })).toBe('ok');
    expect(await answerAsMember(s.t, member, inv[0]!.id, 'sign', { authority: 'on', signerName: 'Ana', names: { es: 'Zeta Org' } })).toBe('used');
    // Coordinator also invites two by e-mail, who sign with their links (domain level here).
    for (const email of ['a@alpha.example', 'b@beta.example']) await inviteSignatory(s.t, coord, statementId, { email, lang: 'es', name: email.startsWith('a') ? 'Alfa' : 'Beta' }, mail());
    const ed = await getStatementForEditor(s.t, coord, statementId);
    expect(ed.signatories.map((g) => g.channel).sort()).toEqual(['email', 'email', 'platform']);
    // The signer's name is the account's (issue 16 §5), whatever the form says.
    expect(ed.signatories.find((g) => g.channel === 'platform')!.signerName).toBe('Test user');
  });

  it('open sign-on: e-mail confirmation, then moderation, then "and N individuals"', async () => {
    const slug = `${(await s.t.ownerDb.selectFrom('statement').select('slug').where('id', '=', statementId).executeTakeFirstOrThrow()).slug}-es`;
    expect(await requestOpenSignature(s.t, slug, { name: 'Persona Uno', email: 'uno@example.org', consent: 'on' }, mail(), 'es')).toBe('ok');
    expect(await requestOpenSignature(s.t, slug, { name: 'Persona Dos', email: 'dos@example.org', consent: 'on' }, mail(), 'es')).toBe('ok');
    await expect(requestOpenSignature(s.t, slug, { name: 'Sin consentimiento', email: 'tres@example.org' }, mail(), 'es')).rejects.toMatchObject({ code: 'validation' });
    const tokens = readOutbox(s.t.dataDir)
      .filter((m) => m.subject.startsWith('Confirme su firma'))
      .map((m) => /\/sign\/confirm\/([A-Za-z0-9_-]+)/.exec(m.text)![1]!);
    expect(tokens).toHaveLength(2);
    expect(await confirmOpenSignature(s.t, tokens[0]!)).toBe('ok');
    expect(await confirmOpenSignature(s.t, tokens[0]!)).toBe('used');
    expect(await confirmOpenSignature(s.t, tokens[1]!)).toBe('ok');
    const ed = await getStatementForEditor(s.t, coord, statementId);
    const pending = ed.signatories.filter((g) => g.status === 'pending');
    expect(pending.map((p) => p.signerName).sort()).toEqual(['Persona Dos', 'Persona Uno']);
    await moderateSignature(s.t, coord, statementId, pending[0]!.id, true);
    await moderateSignature(s.t, coord, statementId, pending[1]!.id, false);
    await expect(moderateSignature(s.t, coord, statementId, pending[1]!.id, true)).rejects.toMatchObject({ code: 'invalid_state' });
    await changeStatus(s.t, coord, statementId, { to: 'published' });
    const pub = await publicStatementBySlug(s.t, slug);
    expect(pub.kind).toBe('ok');
    if (pub.kind !== 'ok') return;
    expect(pub.statement.signatories).toEqual(['Zeta Org']);
    expect(pub.statement.individuals).toBe(1);
    const html = await (await new Client(s.url, 'es').request('GET', `/statements/${slug}`)).text();
    expect(html).toContain('y 1 persona');
    expect(html).not.toContain('Persona Uno');
  });

  it('orders signatories alphabetically by default, or as the coordinator numbers them', async () => {
    const imported = await importStatement(s.t, coord, {
      text: 'Archivo: pronunciamiento de 2019\n2019-05-04\n\nEntrada del texto.\n\nCuerpo.\n\nFirmantes:\nZeta\nÁrbol\nbeta\n',
      lang: 'es',
      countries: 'VE',
    });
    const alpha = await publicStatementBySlug(s.t, imported.versionSlug);
    expect(alpha.kind === 'ok' && alpha.statement.signatories).toEqual(['Árbol', 'beta', 'Zeta']);
    expect(alpha.kind === 'ok' && alpha.statement.publishedAt.toISOString().slice(0, 10)).toBe('2019-05-04');
    const ed = await getStatementForEditor(s.t, coord, imported.id);
    const byName = (n: string) => ed.signatories.find((g) => g.names.es === n)!.id;
    await setSignatoryOrder(s.t, coord, imported.id, 'manual', [byName('Zeta'), byName('beta'), byName('Árbol')]);
    const manual = await publicStatementBySlug(s.t, imported.versionSlug);
    expect(manual.kind === 'ok' && manual.statement.signatories).toEqual(['Zeta', 'beta', 'Árbol']);
  });

  it('imports through the form over HTTP, with line-numbered errors for bad text', async () => {
    const c = new Client(s.url, 'es');
    await c.login(coord);
    const bad = await c.request('POST', '/coordinate/statements/import', { text: 'Solo un título\nayer\n\n', lang: 'es' }, form);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('línea 2');
    const ok = await c.request('POST', '/coordinate/statements/import', { text: 'Otro archivo\n2018-01-02\n\nEntrada.\n\nSignatories:\nUna Org', lang: 'es', countries: 'VE' }, form);
    expect(ok.status).toBe(303);
    expect(await (await new Client(s.url).request('GET', '/statements/otro-archivo-2018-es')).text()).toContain('Una Org');
    const fd = new FormData();
    fd.set('_csrf', c.csrf);
    fd.set('lang', 'en');
    fd.set('file', new Blob([Buffer.from('Uploaded archive statement\n2017-06-30\n\nLead from a file.\n\nSignatories:\nFile Org\n')], { type: 'text/plain' }), 'statement.txt');
    const up = await fetch(`${s.url}/coordinate/statements/import`, { method: 'POST', body: fd, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, redirect: 'manual' });
    expect(up.status).toBe(303);
    expect(await (await new Client(s.url).request('GET', '/statements/uploaded-archive-statement-2017-en')).text()).toContain('File Org');
  });

  it('re-encodes hero images without their metadata and refuses anything that is not an image', async () => {
    const withExif = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#336699' } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'Secret Photographer', ImageDescription: 'GPS 10.5,-66.9' } } })
      .toBuffer();
    expect(withExif.toString('latin1')).toContain('Secret Photographer');
    const hero = await processHeroImage(s.t.dataDir, withExif);
    expect(hero.width).toBe(800);
    for (const w of [800, 1600]) {
      const out = readHero(s.t.dataDir, hero.key, w)!;
      expect(out.toString('latin1')).not.toContain('Secret Photographer');
      const meta = await sharp(out).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.format).toBe('jpeg');
    }
    await expect(processHeroImage(s.t.dataDir, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))).rejects.toMatchObject({ code: 'unsupported_media' });
    await expect(processHeroImage(s.t.dataDir, Buffer.from('GIF89a not really'))).rejects.toBeInstanceOf(AppError);
    const samples = `${attackDir}/upload-samples`;
    if (existsSync(samples)) {
      for (const f of readdirSync(samples)) {
        const bytes = readFileSync(join(samples, f));
        try {
          const r = await processHeroImage(s.t.dataDir, bytes);
          // An image that decodes is re-encoded: nothing of the original container survives.
          const out = readHero(s.t.dataDir, r.key, 800)!;
          expect(out.toString('latin1')).not.toMatch(/passwd|system\(|<\?php|exiftool/i);
        } catch (e) {
          expect(e, f).toBeInstanceOf(AppError);
        }
      }
    }
  });

  it('uploads a hero image through the coordinator form (multipart, CSRF) and serves it publicly only once published', async () => {
    const st = await createStatement(s.t, coord, { sourceLang: 'en', title: 'With a picture', lead: 'Lead.', heroAlt: 'A blue square' });
    const c = new Client(s.url, 'en');
    await c.login(coord);
    const png = await sharp({ create: { width: 900, height: 500, channels: 3, background: '#aa3300' } }).png().toBuffer();
    const fd = new FormData();
    fd.set('_csrf', c.csrf);
    fd.set('heroCredit', 'Photo: Someone (CC BY)');
    fd.set('hero', new Blob([png], { type: 'image/png' }), 'x.png');
    const res = await fetch(`${s.url}/coordinate/statements/${st.id}/hero`, { method: 'POST', body: fd, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, redirect: 'manual' });
    expect(res.status).toBe(303);
    const ed = await getStatementForEditor(s.t, coord, st.id);
    expect(ed.heroCredit).toBe('Photo: Someone (CC BY)');
    const url = `/statements/media/${ed.hero!.key}-800.jpg`;
    expect((await new Client(s.url).request('GET', url)).status).toBe(404);
    expect((await c.request('GET', url)).status).toBe(200);
    await changeStatus(s.t, coord, st.id, { to: 'published' });
    const pub = await new Client(s.url).request('GET', url);
    expect(pub.status).toBe(200);
    expect(pub.headers.get('content-type')).toBe('image/jpeg');
    const page = await (await new Client(s.url).request('GET', `/statements/${st.slug}-en`)).text();
    expect(page).toContain('alt="A blue square"');
    expect(page).toContain('Photo: Someone (CC BY)');
    const noCsrf = new FormData();
    noCsrf.set('hero', new Blob([png], { type: 'image/png' }), 'x.png');
    const refused = await fetch(`${s.url}/coordinate/statements/${st.id}/hero`, { method: 'POST', body: noCsrf, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, redirect: 'manual' });
    expect(refused.status).toBe(403);
  });

  it('the server timer publishes a scheduled statement at its embargo time without any request', async () => {
    let now = Date.parse('2031-01-01T00:00:00Z');
    setStatementClock(s.t, () => new Date(now));
    try {
      const st = await createStatement(s.t, coord, { sourceLang: 'en', title: 'Timed statement', lead: 'Lead.' });
      await changeStatus(s.t, coord, st.id, { to: 'scheduled', embargoUntil: '2031-01-01T06:00:00Z' });
      const stop = startPublicationTimer(s.t, 20, (e) => {
        throw e;
      });
      const status = async () => (await s.t.ownerDb.selectFrom('statement').select(['status', 'published_at']).where('id', '=', st.id).executeTakeFirstOrThrow());
      await new Promise((r) => setTimeout(r, 150));
      expect((await status()).status).toBe('scheduled');
      now = Date.parse('2031-01-01T06:00:00Z');
      for (let i = 0; i < 50 && (await status()).status !== 'published'; i++) await new Promise((r) => setTimeout(r, 50));
      stop();
      const after = await status();
      expect(after.status).toBe('published');
      expect(after.published_at!.toISOString()).toBe('2031-01-01T06:00:00.000Z');
    } finally {
      setStatementClock(s.t, null);
    }
  });

  it('links the cases a statement cites; the public page shows only the public ones, the coordinator all', async () => {
    const pub = await createRecord(s.t, coord, 'incident', { title: 'Caso público citado', visibility: 'public', country: 'VE', startDate: '2021-01-12' });
    const priv = await createRecord(s.t, coord, 'incident', { title: 'Caso privado citado', visibility: 'private', country: 'VE', startDate: '2021-02' });
    const other = await createRecord(s.t, outsider, 'incident', { title: 'Caso de otra organización', visibility: 'public' });
    await expect(createStatement(s.t, coord, { sourceLang: 'es', title: 'Con casos ajenos', incidentIds: [other.id] })).rejects.toMatchObject({ code: 'validation' });
    const st = await createStatement(s.t, coord, { sourceLang: 'es', title: 'Con casos citados', lead: 'Entrada.', incidentIds: [pub.id, priv.id] });
    expect((await getStatementForEditor(s.t, coord, st.id)).incidents.map((i) => i.title).sort()).toEqual(['Caso privado citado', 'Caso público citado']);
    await changeStatus(s.t, coord, st.id, { to: 'published' });
    const page = await publicStatementBySlug(s.t, `${st.slug}-es`);
    expect(page.kind === 'ok' && page.statement.cases).toEqual([{ title: 'Caso público citado', month: '2021-01', country: 'VE' }]);
  });
});
