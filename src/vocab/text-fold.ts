/**
 * Folding for matching what people type against labels: accents, case and punctuation must not
 * matter ("Anzoategui" finds "Anzoátegui", "EE. UU." finds "EE UU").
 */

/** Lower case without diacritics; ñ becomes n, which is what people type on keyboards without it. */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** foldText, then every run of non-letters/digits becomes one space, trimmed. */
export function foldWords(s: string): string {
  return foldText(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
