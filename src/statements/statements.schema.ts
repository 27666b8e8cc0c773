/** Inputs of the statement commands (zod), with i18n keys for Atalaya's own checks. */
import { z } from 'zod';
import { isCountry } from '../vocab/places.js';

const msg = (key: string, values?: Record<string, unknown>) => ({ params: { key, values } });

/** A BCP 47 language tag (es, en, pt-BR, zh-Hant …), stored in its canonical form. */
export const langTag = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .refine((s) => {
    if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(s)) return false;
    try {
      return Intl.getCanonicalLocales(s).length === 1;
    } catch {
      return false;
    }
  }, msg('statements:errors.lang_tag'))
  .transform((s) => Intl.getCanonicalLocales(s)[0]!);

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .max(80)
  .refine((s) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(s), msg('statements:errors.slug'));

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

const country = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => isCountry(c), msg('statements:errors.country'));

const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : v), z.array(item).max(50));

const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s), msg('statements:errors.date')).refine((s) => !Number.isNaN(Date.parse(s + 'T00:00:00Z')), msg('statements:errors.date'));

/** A date and time; bare `YYYY-MM-DDTHH:MM` (from an HTML datetime-local field) is read as UTC. */
export const dateTime = z
  .string()
  .trim()
  .refine((s) => !Number.isNaN(Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(s) ? s : s + 'Z')), msg('statements:errors.datetime'))
  .transform((s) => new Date(/Z|[+-]\d{2}:?\d{2}$/.test(s) ? s : s + 'Z'));

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

export const statementFields = {
  countries: listOf(country).default([]),
  themes: listOf(z.string().trim().toLowerCase().min(2).max(40).refine((s) => /^[\p{L}\p{N}_-]+$/u.test(s), msg('statements:errors.theme'))).default([]),
  statementDate: z.preprocess(emptyToUndefined, isoDate.nullable().optional()),
  pressName: optionalText(200),
  pressEmail: z.preprocess(emptyToUndefined, z.email().max(320).nullable().optional()),
  pressPhone: optionalText(60),
  heroCredit: optionalText(300),
  signDeadline: z.preprocess(emptyToUndefined, dateTime.nullable().optional()),
  openSignon: checkbox.optional(),
  signatoryOrder: z.enum(['alpha', 'manual']).optional(),
  incidentIds: listOf(z.uuid()).optional(),
};

export const versionFields = {
  title: z.string().trim().min(3).max(300),
  lead: z.string().trim().max(2000).default(''),
  body: z.string().max(100_000).default(''),
  translator: optionalText(200),
  heroAlt: optionalText(500),
};

export const statementCreate = z.object({
  slug: z.preprocess(emptyToUndefined, slug.optional()),
  sourceLang: langTag,
  ...versionFields,
  ...statementFields,
});

export const statementUpdate = z.object({ version: z.coerce.number().int().min(1), ...statementFields });

export const versionSave = z.object({ ...versionFields });

export const statusChange = z.object({
  to: z.enum(['draft', 'open', 'scheduled', 'published']),
  embargoUntil: z.preprocess(emptyToUndefined, dateTime.optional()),
});

export const correctionInput = z.object({
  notes: z.record(z.string(), z.string().trim().max(2000)).refine((n) => Object.values(n).some((v) => v.length > 0), msg('statements:errors.note_required')),
});

export const withdrawInput = z.object({ note: z.string().trim().min(3).max(2000) });

export const inviteInput = z
  .object({
    email: z.preprocess(emptyToUndefined, z.email().max(320).optional()),
    organisationId: z.preprocess(emptyToUndefined, z.uuid().optional()),
    name: optionalText(200),
    lang: z.enum(['es', 'en']).default('es'),
    /** Open the statement for signatures with this invitation (a draft cannot be signed). */
    openNow: checkbox.optional(),
  })
  .refine((v) => !!v.email !== !!v.organisationId, { ...msg('statements:errors.invite_target'), path: ['email'] });

export const signInput = z.object({
  authority: checkbox.refine((v) => v, msg('statements:errors.authority')),
  signerName: z.string().trim().min(2).max(200),
  names: z.record(z.string(), z.string().trim().max(200)).refine((n) => Object.values(n).some((v) => v.length >= 2), msg('statements:errors.display_name')),
});

export const openSignInput = z.object({
  name: z.string().trim().min(2).max(200),
  email: z.email().max(320),
  consent: checkbox.refine((v) => v, msg('statements:errors.consent')),
});

export const orderInput = z.object({ order: z.array(z.uuid()).max(1000) });

export const importInput = z.object({
  text: z.string().min(10).max(200_000),
  lang: langTag,
  slug: z.preprocess(emptyToUndefined, slug.optional()),
  countries: listOf(country).default([]),
  themes: listOf(z.string().trim().toLowerCase().min(2).max(40)).default([]),
});

export type StatementCreate = z.output<typeof statementCreate>;
