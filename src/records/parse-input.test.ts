/**
 * Validation messages a user reads name the field in the user's language; zod's own wording
 * ("Demasiado pequeño: se esperaba que texto tuviera >=3 caracteres") never comes through.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { Client, startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeUser } from '../../test/support/factories.js';
import { incidentCreate } from './records.schema.js';
import { createRecord, loadDemo, parseInput } from './index.js';

const zodWording = /Demasiado|Too (small|big)|Invalid|inválid[oa]:|se esperaba|expected|received|recibido|>=|<=/;

function messages(schema: z.ZodType, data: unknown, lang: 'es' | 'en'): string[] {
  try {
    parseInput(schema, data, lang);
    return [];
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return e.issues.map((i) => i.message ?? i.key);
  }
}

describe('validation messages', () => {
  it('name the field and the rule in Spanish and English', () => {
    expect(messages(incidentCreate, { title: 'ab' }, 'es')).toContain('Título: escriba al menos 3 caracteres.');
    expect(messages(incidentCreate, { title: 'ab' }, 'en')).toContain('Title: write at least 3 characters.');
    const s = z.object({ email: z.email(), groupSize: z.number().int().min(1), sectors: z.array(z.string()).min(1), visibility: z.enum(['private', 'public']), url: z.url() }).strict();
    const es = messages(s, { email: 'x', groupSize: 0, sectors: [], visibility: 'other', url: 'nope', extra: 1 }, 'es');
    expect(es).toEqual(
      expect.arrayContaining([
        'Correo electrónico: no es una dirección de correo válida.',
        'Número de personas (grupos): debe ser 1 o más.',
        'Sectores de defensa: elija al menos 1.',
        'Visibilidad: elija una de las opciones ofrecidas.',
        'Dirección web: no es una dirección web válida (https://…).',
        'La entrada: campos desconocidos: extra.',
      ]),
    );
    expect(messages(z.object({ startDate: z.string() }), {}, 'es')).toEqual(['Fecha de inicio: falta este dato.']);
    expect(messages(z.object({ embargoUntil: z.string() }), {}, 'es')).toEqual(['Publicar el (UTC): falta este dato.']);
  });

  it('never pass validator wording through, whatever the schema and input', () => {
    const leaf = fc.constantFrom<z.ZodType>(z.string().min(3).max(5), z.number().int().min(0).max(9), z.email(), z.uuid(), z.boolean(), z.array(z.string()).min(1).max(2), z.enum(['a', 'b']), z.url(), z.iso.date());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('title', 'notes', 'groupSize', 'foo', 'bar'), leaf, { minKeys: 1 }), fc.anything(), fc.constantFrom('es' as const, 'en' as const), (shape, data, lang) => {
        for (const m of messages(z.object(shape).strict(), data, lang)) {
          // Unknown keys are quoted as sent, whatever they are.
          if (!/campos desconocidos|unknown fields/.test(m)) expect(m).not.toMatch(zodWording);
          expect(m).toMatch(/^[^:]+: /);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(engines)('a too-short title on the edit form on %s', (engine) => {
  let s: TestApp;
  let c: Client;
  let incidentId: string;

  beforeAll(async () => {
    s = await startTestApp(engine);
    const demo = await loadDemo(s.t);
    const u = await makeUser(s.t, demo.organisations.observatorio, 'documenter');
    incidentId = (await createRecord(s.t, u, 'incident', { title: 'Allanamiento de prueba', country: 'VE', startDate: '2021-01-12', visibility: 'private' })).id;
    c = new Client(s.url, 'es');
    await c.login(u);
  }, 120_000);
  afterAll(async () => s?.close());

  it('says which field and what to do, in Spanish', async () => {
    const form = await (await c.request('GET', `/incidents/${incidentId}/edit`)).text();
    const version = /name="version" value="(\d+)"/.exec(form)?.[1];
    const r = await c.request('POST', `/incidents/${incidentId}/edit`, { _csrf: c.csrf, version: version ?? '1', title: 'ab', country: 'VE', startDate: '2021-01-12', visibility: 'private' }, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(422);
    const html = await r.text();
    expect(html).toContain('Título: escriba al menos 3 caracteres.');
    expect(html).not.toMatch(zodWording);
  });
});
