/**
 * Refuses any input that carries a NUL byte (U+0000) — in the path, the query string, a form or a
 * JSON body — with 422 naming where it was. PostgreSQL cannot store NUL in text, so without this
 * such input reached the database and came back as a 500 with a stack trace in the log; no
 * legitimate text in Atalaya contains it.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';

/** The JSON path of the first string (value or key) holding a NUL byte, or null. */
export function nulPath(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (!value || typeof value !== 'object' || depth > 64 || Buffer.isBuffer(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nulPath(value[i], [...path, i], depth + 1);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\u0000')) return [...path, k.replace(/\u0000/g, '')];
    const p = nulPath(v, [...path, k], depth + 1);
    if (p) return p;
  }
  return null;
}

export function nulByteError(path: (string | number)[]): AppError {
  return new AppError('validation', { issues: [{ path, key: 'errors:nul_byte' }] });
}

export const nulBytes = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (req) => {
    const url = req.raw.url ?? '';
    const q = url.indexOf('?');
    const where = (s: string) => /%00|\u0000/i.test(s);
    if (where(q < 0 ? url : url.slice(0, q))) throw nulByteError(['path']);
    if (q >= 0 && where(url.slice(q + 1))) throw nulByteError(['query']);
  });
  app.addHook('preValidation', async (req) => {
    const p = nulPath(req.body);
    if (p) throw nulByteError(p.length ? p : ['body']);
  });
});
