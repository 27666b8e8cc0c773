/**
 * Names people and organisations give themselves (an organisation, a person, a coalition) are one
 * line of visible text. Control characters, line and paragraph separators and bidirectional
 * embeddings, overrides and isolates are refused: in a mail subject a line break starts a header
 * of its own, in a terminal an escape sequence rewrites the screen, and an override (U+202E) makes
 * a name read other than it is written on every page and PDF that shows it.
 */
import { AppError } from '../shared/errors.js';

const notOneLine = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export function isOneLineName(s: string): boolean {
  return !notOneLine.test(s);
}

/** Throws the validation error for `field` when the name is not one line of visible text. */
export function checkOneLineName(s: string, field: string): void {
  if (!isOneLineName(s)) throw new AppError('validation', { issues: [{ path: [field], key: 'access:name_characters' }] });
}
