import { z } from 'zod';
import { AppError, type FieldIssue } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';

/**
 * Validates input against a zod schema with messages in the user's language that name the field.
 * Custom checks carry `params.key` (an i18n key); every other issue is told by `fieldMessage`, so no
 * validator wording ("Too small: expected string to have >=3 characters") ever reaches a user.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, lang: Lang): z.output<S> {
  const r = schema.safeParse(data, {
    error: (iss) => {
      const params = (iss as { params?: { key?: string; values?: Record<string, unknown> } }).params;
      if (params?.key) return t(lang, params.key, params.values);
      return fieldMessage(lang, iss as unknown as ZodIssueLike);
    },
  });
  if (r.success) return r.data;
  throw new AppError('validation', { issues: zodIssues(r.error) });
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    key: 'errors:validation',
    message: i.message,
  }));
}

/** The parts of a zod issue the messages use (zod 4's raw issue, as its error callback sees it). */
export interface ZodIssueLike {
  code: string;
  path?: PropertyKey[];
  input?: unknown;
  origin?: string;
  minimum?: number | bigint | Date;
  maximum?: number | bigint | Date;
  inclusive?: boolean;
  format?: string;
  expected?: string;
  keys?: string[];
}

/** i18next answers a missing key with the key itself (without its namespace). */
function has(lang: Lang, key: string): boolean {
  const v = t(lang, key);
  return v !== key && v !== key.slice(key.indexOf(':') + 1);
}

/**
 * The field's name as the user sees it on the form: the last named step of the path, looked up
 * among the form labels (records, statements) and then the error catalogue's own list.
 */
export function fieldLabel(lang: Lang, path: readonly PropertyKey[] = []): string {
  const name = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (!name) return t(lang, 'errors:field.whole_input');
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  for (const key of [`errors:field.names.${name}`, `workspace:field.${name}`, `statements:fields.${snake}`]) if (has(lang, key)) return t(lang, key);
  return t(lang, 'errors:field.unnamed', { name });
}

export function fieldMessage(lang: Lang, iss: ZodIssueLike): string {
  const field = fieldLabel(lang, iss.path);
  const m = (key: string, values: Record<string, unknown> = {}) => t(lang, `errors:field.${key}`, { field, ...values });
  const num = (x: unknown) => (x instanceof Date ? x.toISOString().slice(0, 10) : String(x));
  const many = iss.origin === 'array' || iss.origin === 'set';
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined || iss.input === null) return m('required');
      if (iss.expected === 'number' || iss.expected === 'int' || iss.expected === 'bigint') return m('number');
      if (iss.expected === 'boolean') return m('boolean');
      if (iss.expected === 'date') return m('date');
      return m('invalid');
    case 'too_small':
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? m('empty') : m('min_chars', { minimum: num(iss.minimum) });
      if (many) return m('min_items', { minimum: num(iss.minimum) });
      return m(iss.inclusive === false ? 'above_number' : 'min_number', { minimum: num(iss.minimum) });
    case 'too_big':
      if (iss.origin === 'string') return m('max_chars', { maximum: num(iss.maximum) });
      if (many) return m('max_items', { maximum: num(iss.maximum) });
      return m(iss.inclusive === false ? 'below_number' : 'max_number', { maximum: num(iss.maximum) });
    case 'invalid_format':
      if (iss.format === 'email') return m('email');
      if (iss.format === 'url') return m('url');
      if (iss.format === 'uuid' || iss.format === 'guid' || iss.format === 'cuid' || iss.format === 'nanoid') return m('id');
      if (iss.format === 'date' || iss.format === 'datetime' || iss.format === 'time') return m('date');
      return m('format');
    case 'invalid_value':
      return m('option');
    case 'unrecognized_keys':
      return m('unknown_fields', { keys: (iss.keys ?? []).join(', ') });
    default:
      return m('invalid');
  }
}
