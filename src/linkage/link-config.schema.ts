/**
 * The linkage config: which columns to compare and how, the blocking rules, the threshold.
 * A model is data (DESIGN.md §6): this schema is also published as link-config.schema.json,
 * generated from here (a test fails when the two differ).
 */
import { z } from 'zod';

const probability = z.number().gt(0).lt(1);
const fixedProbabilities = z
  .array(probability)
  .describe('Fixed probabilities, one per non-null level in order (best level first, "else" last).');

const common = {
  name: z.string().min(1).regex(/^[A-Za-z0-9_]+$/).describe('A short name for this comparison, used in outputs.'),
  m: fixedProbabilities.optional().describe('Fix m per level instead of estimating it by EM.'),
  u: fixedProbabilities.optional().describe('Fix u per level instead of estimating it from random pairs.'),
};

const thresholds = z
  .array(z.number().gt(0).lt(1))
  .min(1)
  .max(4)
  .refine((a) => a.every((x, i) => i === 0 || x < a[i - 1]!), 'thresholds must decrease');

export const exactComparisonSchema = z.object({
  ...common,
  type: z.literal('exact'),
  column: z.string().min(1),
  tf: z.boolean().default(false).describe('Term-frequency adjustment on exact agreement.'),
});

export const stringComparisonSchema = z.object({
  ...common,
  type: z.literal('string'),
  column: z.string().min(1),
  thresholds: thresholds.default([0.92, 0.8]).describe('Jaro–Winkler thresholds, decreasing.'),
  tf: z.boolean().default(false),
});

export const nameComparisonSchema = z
  .object({
    ...common,
    type: z.literal('name'),
    given: z.array(z.string().min(1)).default([]).describe('Columns holding given names.'),
    surname: z.array(z.string().min(1)).default([]).describe('Columns holding surnames (first surname first).'),
    full: z.string().min(1).optional().describe('A column holding the whole name, when it is not split.'),
    thresholds: thresholds.default([0.92, 0.8]).describe('Jaro–Winkler thresholds on the token-matched score.'),
    tf: z
      .boolean()
      .default(true)
      .describe('Term-frequency adjustment by the words two names share (exact, subset, all_jw, two_tokens levels).'),
  })
  .refine((c) => c.given.length + c.surname.length > 0 || c.full !== undefined, {
    message: 'a name comparison needs given, surname or full columns',
  });

export const dateComparisonSchema = z.object({
  ...common,
  type: z.literal('date'),
  column: z.string().min(1),
  withinDays: z
    .array(z.number().int().positive())
    .max(4)
    .default([7, 60])
    .refine((a) => a.every((x, i) => i === 0 || x > a[i - 1]!), 'withinDays must increase'),
  dayMonthOrder: z
    .enum(['auto', 'dmy', 'mdy'])
    .default('auto')
    .describe(
      'How to read 05/11/2020: "dmy" (5 November), "mdy" (11 May), or "auto": per file, from values whose ' +
        'first or second number is above 12, day first when none settles it. ISO dates, YYYYMMDD and M/YYYY are read whatever this says.',
    ),
});

export const subdivisionComparisonSchema = z.object({
  ...common,
  type: z.literal('subdivision'),
  column: z.string().min(1),
  neighbours: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe('Neighbour table keyed by code; Venezuela (VE-A … VE-Z) when absent.'),
});

export const categoryComparisonSchema = z.object({
  ...common,
  type: z.literal('category'),
  column: z.string().min(1),
  related: z
    .array(z.array(z.string().min(1)).min(2))
    .default([])
    .describe('Groups of related values (e.g. act types); two values in one group are "related".'),
  tf: z.boolean().default(false),
});

export const comparisonSchema = z.discriminatedUnion('type', [
  exactComparisonSchema,
  stringComparisonSchema,
  nameComparisonSchema,
  dateComparisonSchema,
  subdivisionComparisonSchema,
  categoryComparisonSchema,
]);

export const blockingRuleSchema = z.object({
  name: z.string().min(1).optional(),
  on: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe(
      'Key expressions joined by "+" (or a list); two records are paired when every key is present and equal. ' +
        'A bare column means fold(column). Key functions: ' +
        'exact(c): the value with accents, case and spacing folded (as fold); ' +
        'fold(c): the same; ' +
        'first_token(c): the first word of a name; ' +
        'initial(c): the first letter of that word; ' +
        'soundex(c): the Soundex code of that word; ' +
        'soundex_set(c, …): the sorted Soundex codes of every word of the columns (order-free: given names and surnames swapped); ' +
        'soundex_firsts(c1, c2, …): the sorted Soundex codes of the first word of each column (tolerates a lost second name); ' +
        'year(c), month(c), day(c): the year, YYYY-MM or day of a date (read as the date comparison reads it; ' +
        'missing when the date is not that precise). Several columns in one function are joined by a space, except for soundex_firsts. ' +
        'A rule whose keys are missing for more than half of the records is reported with a warning.',
    ),
});

export const linkConfigSchema = z.object({
  version: z.literal(1).default(1),
  idColumn: z.string().min(1).describe('The column that identifies a record within its file.'),
  comparisons: z.array(comparisonSchema).min(1),
  blocking: z.array(blockingRuleSchema).min(1).max(16),
  training: z
    .array(blockingRuleSchema)
    .min(1)
    .max(16)
    .optional()
    .describe(
      'Blocking rules for the EM sessions (one session each), when they should differ from `blocking`: ' +
        'every comparison must have its columns outside at least one of them to have its m learned.',
    ),
  threshold: probability.default(0.9).describe('Match probability at or above which a pair is a link.'),
  outputFloor: z.number().min(0).lt(1).default(0.01).describe('Pairs below this probability are not written.'),
  maxPairs: z.number().int().positive().default(50_000_000).describe('Refuse blocking that would produce more pairs.'),
  trainingMaxPairs: z
    .number()
    .int()
    .positive()
    .default(2_000_000)
    .describe('Pairs per EM session at most; a larger session uses a seeded random sample of its pairs.'),
  uSamplePairs: z.number().int().positive().default(1_000_000).describe('At most this many random pairs are compared to estimate u; string, name and date comparisons whose distinct values have no more pairs than this get u exactly from value frequencies instead.'),
  seed: z.number().int().default(20_251_128),
  prior: probability.optional().describe('Fix λ, the probability that two random records match.'),
  em: z
    .object({
      maxIterations: z.number().int().positive().default(1000),
      tolerance: z.number().positive().default(1e-5),
    })
    .default({ maxIterations: 1000, tolerance: 1e-5 }),
  cluster: z
    .object({
      minDensity: z.number().min(0).max(1).default(0.4).describe('Split clusters (≥ 4 records) sparser than this.'),
    })
    .default({ minDensity: 0.4 }),
});

export type LinkConfigInput = z.input<typeof linkConfigSchema>;
export type LinkConfig = z.output<typeof linkConfigSchema>;
export type ComparisonConfig = z.output<typeof comparisonSchema>;
export type BlockingRuleConfig = z.output<typeof blockingRuleSchema>;

export function linkConfigJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://atalaya.example/schemas/link-config.schema.json',
    title: 'Atalaya record linkage config',
    ...z.toJSONSchema(linkConfigSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
