/**
 * The assumptions every estimate rests on, as i18n keys (namespace `estimate`) so the CLI prints them
 * and the UI shows them beside each figure, in the reader's language.
 */
export const guidanceKeys = [
  'guidance.documented_first',
  'guidance.closed_population',
  'guidance.list_dependence',
  'guidance.heterogeneity',
  'guidance.linkage',
  'guidance.definition',
] as const;
