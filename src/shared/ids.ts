import { randomBytes } from 'node:crypto';

/**
 * Record ids: 128 random bits as a UUID v4 string. Never sequential and never time-leading, so an id
 * in a URL says nothing about when or in what order records were made (SECURITY.md S6).
 */
export function newId(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export function isId(s: string): boolean {
  return uuidRe.test(s);
}

/** A short random token for URLs that must not be guessable (sign-on links, reset tokens). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
