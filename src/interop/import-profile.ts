/**
 * The import profile: how one organisation's spreadsheet maps onto Atalaya. It is data (JSON),
 * written by hand or built in the import screens, stored with every import job so an import can
 * be repeated exactly. `import-profile.schema.json` is generated from this schema (a test keeps
 * the two equal) and documented in the README ("Import profiles").
 */
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { parseInput } from '../records/index.js';
import type { Lang } from '../shared/i18n/index.js';
import { defaultDateFormats } from './date-parse.js';
import { dateOrders } from './date-order.js';

/** Fields a column can feed. Vocabulary fields take codes, labels, or values mapped in `values`. */
export const importFields = [
  'externalId',
  'incidentKey',
  'title',
  'narrative',
  'startDate',
  'endDate',
  'country',
  'subdivision',
  'placeName',
  'status',
  'actType',
  'victims',
  'victimKind',
  'gender',
  'sector',
  'perpetratorType',
  'actNotes',
] as const;
export type ImportField = (typeof importFields)[number];

/** Fields whose values are vocabulary codes (unknown values must be mapped, never invented). */
export const vocabFields = {
  status: 'incident_status',
  actType: 'act_type',
  gender: 'gender',
  sector: 'defender_sector',
  perpetratorType: 'perpetrator_type',
} as const;
export type VocabField = keyof typeof vocabFields;

/** Fields that may hold several values in one cell, split by `separator`. */
export const listFields: readonly ImportField[] = ['victims', 'actType', 'perpetratorType', 'sector'];

const columnName = z.string().min(1).max(200);
const code = z.string().min(1).max(80);

/** Cells that mean "no value" unless a profile says otherwise; an empty cell always does. */
export const defaultNullTokens = ['NA', 'N/A', '-', 's/d', 'sin dato', 'desconocido'];

/** Fields of the value map whose values may map to several codes at once (list fields). */
const multiCodeFields = ['actType', 'perpetratorType', 'sector'] as const;

export const importProfileSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Format version of the profile; always 1.'),
    dataset: z
      .string()
      .min(1)
      .max(100)
      .describe('Names the dataset across releases: importing a newer file with the same dataset updates the records it created.'),
    unit: z.enum(['incident', 'act']).default('incident').describe('incident: one row is one incident with its acts; act: one row is one act, rows sharing incidentKey form one incident.'),
    file: z
      .object({
        delimiter: z.enum([',', ';', '\t', '|']).optional().describe('CSV separator; detected from the header line when absent.'),
        encoding: z.enum(['auto', 'utf-8', 'windows-1252']).default('auto').describe('auto: UTF-8, or Windows-1252 (Latin-1) with a warning when the file is not valid UTF-8.'),
        sheet: z.string().max(100).optional().describe('XLSX worksheet name; the first sheet when absent.'),
      })
      .strict()
      .default({ encoding: 'auto' }),
    columns: z
      .partialRecord(z.enum(importFields), columnName)
      .describe('Field name -> column header in the file.'),
    separator: z.string().min(1).max(3).default(';').describe('Separates several victims, act types, perpetrator types or sectors in one cell.'),
    dates: z
      .object({
        formats: z.array(z.string().min(2).max(30)).min(1).max(20).default(defaultDateFormats),
        excelSerial: z.boolean().default(true).describe('Accept Excel serial day numbers (e.g. 43891) in date columns.'),
        order: z
          .enum(dateOrders)
          .optional()
          .describe('Day and month order of numeric dates (2/10/2015). When absent, each date column\'s order is settled from all its values, and the import stops when they do not settle it.'),
      })
      .strict()
      .default({ formats: defaultDateFormats, excelSerial: true }),
    values: z
      .partialRecord(z.enum(['status', 'actType', 'gender', 'sector', 'perpetratorType', 'victimKind', 'country', 'subdivision']), z.record(z.string().max(300), z.union([code, z.array(code).min(1).max(10)])))
      .default({})
      .describe('Per field: value as written in the file -> code (vocabulary code, person/organisation/group, or ISO code); for act types, perpetrator types and sectors also a list of codes ("Police, Armed forces" -> ["police", "military"]).'),
    nullTokens: z
      .array(z.string().max(40))
      .max(50)
      .default(defaultNullTokens)
      .describe('Cell values that mean "no value" (case ignored); an empty cell always does.'),
    separators: z
      .partialRecord(z.enum(['victims', 'actType', 'perpetratorType', 'sector']), z.string().min(1).max(3))
      .default({})
      .describe('Per list field, its own separator instead of `separator` (names may contain ", " while perpetrators are listed with ", ").'),
    defaults: z
      .object({
        country: z.string().length(2).optional(),
        status: code.optional(),
        visibility: z.enum(['private', 'coalition', 'public']).optional(),
        victimKind: z.enum(['person', 'organisation', 'group']).optional(),
        actType: code.optional(),
        perpetratorType: code.optional(),
        narrativeSensitive: z.boolean().default(true).describe('Store imported narratives encrypted (they often name people); true unless set to false.'),
      })
      .strict()
      .default({ narrativeSensitive: true })
      .describe('Values used when a column is absent or a cell is empty.'),
    language: z.enum(['es', 'en']).default('es').describe('Language of the texts in the file.'),
  })
  .strict();

export type ImportProfile = z.output<typeof importProfileSchema>;

export function parseProfile(raw: unknown, lang: Lang): ImportProfile {
  const p = parseInput(importProfileSchema, raw, lang);
  if (p.unit === 'act' && !p.columns.incidentKey) {
    throw new AppError('validation', { issues: [{ path: ['columns', 'incidentKey'], key: 'interop:profile.incident_key_needed' }] });
  }
  for (const [field, map] of Object.entries(p.values)) {
    if ((multiCodeFields as readonly string[]).includes(field)) continue;
    for (const [value, to] of Object.entries(map ?? {})) {
      if (Array.isArray(to)) throw new AppError('validation', { issues: [{ path: ['values', field, value], key: 'interop:profile.one_code_only', values: { field } }] });
    }
  }
  if (!p.columns.actType && !p.defaults.actType) {
    throw new AppError('validation', { issues: [{ path: ['columns', 'actType'], key: 'interop:profile.act_type_needed' }] });
  }
  return p;
}

/** The JSON Schema of the profile format (draft 2020-12), as committed in import-profile.schema.json. */
export function profileJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(importProfileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: 'https://atalaya.example/schemas/import-profile.schema.json', title: 'Atalaya import profile', ...s };
}
