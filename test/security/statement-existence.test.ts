/**
 * A statement the public has not been shown answers exactly like a slug that does not exist, on
 * every public address (issue 19, point 6): slugs are titles, and titles can name people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStatus, createStatement } from '../../src/statements/index.js';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('unpublished statements on %s', (engine) => {
  let s: TestApp;
  const hidden: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestApp(engine);
    const org = await makeOrg(s.t);
    const coord = await makeUser(s.t, org, 'admin');
    const make = async (title: string, openSignon: boolean) => (await createStatement(s.t, coord, { sourceLang: 'es', title, lead: 'Entrada.', body: 'Texto.', countries: ['VE'], openSignon })).id;
    await make('Detencion de Maria Perez', true);
    hidden.draft = 'detencion-de-maria-perez';
    const closed = await make('Liberen a Jose Gomez', false);
    await changeStatus(s.t, coord, closed, { to: 'open' });
    hidden.invitedOnly = 'liberen-a-jose-gomez';
    const sched = await make('Solidaridad con Ana Ruiz', false);
    await changeStatus(s.t, coord, sched, { to: 'scheduled', embargoUntil: new Date(Date.now() + 86400_000).toISOString() });
    hidden.scheduled = 'solidaridad-con-ana-ruiz';
    const slugs = await s.t.db.selectFrom('statement').select('slug').execute();
    for (const [k, v] of Object.entries(hidden)) {
      const real = slugs.find((x) => x.slug.startsWith(v));
      expect(real, k).toBeDefined();
      hidden[k] = real!.slug;
    }
  }, 180_000);
  afterAll(async () => s?.close());

  /** What the public gets at each address, with the slug itself taken out of the text. */
  async function answers(slug: string): Promise<string[]> {
    const c = new Client(s.url, 'en');
    const out: string[] = [];
    const norm = async (r: Response) => `${r.status} ${r.headers.get('location') ?? ''} ${(await r.text()).split(slug).join('SLUG').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')}`;
    for (const path of [`/statements/${slug}`, `/statements/${slug}-es`, `/statements/${slug}-es.pdf`, `/api/statements/${slug}-es`, `/statements/${slug}-es/sign`]) out.push(await norm(await c.request('GET', path)));
    // A sign-on request with a valid anonymous form token.
    const page = await c.request('GET', '/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    out.push(await norm(await c.request('POST', `/statements/${slug}-es/sign`, { _csrf: token, name: 'Persona', email: 'p@example.org', consent: 'on' }, form)));
    return out;
  }

  it('drafts, statements only organisations are asked to sign, and scheduled ones answer as missing ones do', async () => {
    const missing = await answers('no-such-statement-2030');
    for (const a of missing) expect(a).toMatch(/^404 /);
    for (const [kind, slug] of Object.entries(hidden)) expect(await answers(slug), kind).toEqual(missing);
  });
});
