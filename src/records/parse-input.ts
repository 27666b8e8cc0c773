import { z } from 'zod';
import { AppError, type FieldIssue } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';

const locales = { es: z.locales.es(), en: z.locales.en() };

/**
 * Validates input against a zod schema with messages in the user's language. Custom checks carry
 * `params.key` (an i18n key); everything else gets zod's own translated message.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, lang: Lang): z.output<S> {
  const r = schema.safeParse(data, {
    error: (iss) => {
      const params = (iss as { params?: { key?: string; values?: Record<string, unknown> } }).params;
      if (params?.key) return t(lang, params.key, params.values);
      return (locales[lang].localeError as (i: unknown) => string | { message: string } | undefined)(iss);
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
