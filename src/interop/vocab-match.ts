/**
 * Matching what a spreadsheet says against a controlled vocabulary. A value is accepted only when
 * it IS a term: its code, or its Spanish or English label once accents, case and punctuation are
 * folded away, a curated synonym in the language of the file (vocab/synonyms.json: "Male" in an
 * English file, "masculino" in a Spanish one), or an explicit entry of the profile's value map.
 * Anything else is unmatched, and close terms are only SUGGESTED (never applied), weighed against
 * labels and the file language's synonyms, so no vocabulary value is ever invented or guessed
 * silently.
 */
import { foldWords, getVocabulary, isSelectable, type VocabName } from '../vocab/index.js';
import { synonymIndex, synonymsOf } from '../vocab/synonyms.js';
import type { Lang } from '../shared/i18n/index.js';

export interface Suggestion {
  code: string;
  label: string;
  score: number;
}

const stop = new Set(['de', 'del', 'la', 'el', 'los', 'las', 'o', 'y', 'e', 'u', 'a', 'en', 'por', 'para', 'con', 'al', 'of', 'or', 'and', 'the', 'to', 'on', 'in', 'by', 'for']);

function tokens(s: string): string[] {
  return foldWords(s)
    .split(' ')
    .filter((w) => w && !stop.has(w));
}

/** Levenshtein distance, bounded: returns max+1 as soon as it must exceed max. */
export function editDistance(a: string, b: string, max = 64): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** 1 for equal words, falling with the share of letters that must change; 0 below 0.7. */
function wordSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const len = Math.max(a.length, b.length);
  if (len < 4) return 0;
  // A word cut short ("detenc", "allan") still points at its term.
  if (Math.min(a.length, b.length) >= 5 && (a.startsWith(b) || b.startsWith(a))) return 0.85;
  const s = 1 - editDistance(a, b, Math.ceil(len * 0.3)) / len;
  return s >= 0.7 ? s : 0;
}

/**
 * How well `query` fits `label`, in [0, 1]: mostly how much of what the person wrote is found
 * in the label (each written word against its best label word, typos allowed), a little how much
 * of the label is covered, so "detencion arbitraria" fits "Detención" and "alanamiento" fits
 * "Allanamiento de oficina o vivienda".
 */
export function similarity(query: string, label: string): number {
  const q = tokens(query);
  const l = tokens(label);
  if (!q.length || !l.length) return 0;
  const used = new Set<number>();
  let sum = 0;
  for (const w of q) {
    let best = 0;
    let at = -1;
    l.forEach((x, i) => {
      if (used.has(i)) return;
      const s = wordSimilarity(w, x);
      if (s > best) [best, at] = [s, i];
    });
    if (at >= 0) used.add(at);
    sum += best;
  }
  const coverQuery = sum / q.length;
  const coverLabel = sum / l.length;
  return 0.7 * coverQuery + 0.3 * Math.min(1, coverLabel);
}

interface Index {
  exact: Map<string, string>;
  terms: { code: string; labels: Record<Lang, string> }[];
}
const indexes = new Map<VocabName, Index>();

function indexOf(name: VocabName): Index {
  let ix = indexes.get(name);
  if (ix) return ix;
  const exact = new Map<string, string>();
  const terms: Index['terms'] = [];
  for (const t of getVocabulary(name).terms) {
    if (!t.selectable) continue;
    terms.push({ code: t.code, labels: { es: t.labels.es, en: t.labels.en } });
    for (const k of [t.code, t.code.replace(/_/g, ' '), t.labels.es, t.labels.en]) {
      const f = foldWords(k);
      // A folded label shared by two terms identifies neither.
      if (exact.has(f) && exact.get(f) !== t.code) exact.set(f, '');
      else exact.set(f, t.code);
    }
  }
  ix = { exact, terms };
  indexes.set(name, ix);
  return ix;
}

/**
 * The selectable code `value` names exactly (code or label, folded), or undefined. With `lang`, a
 * synonym of that language counts too (see synonymCode to tell the two apart).
 */
export function exactCode(name: VocabName, value: string, lang?: Lang): string | undefined {
  if (isSelectable(name, value)) return value;
  const c = indexOf(name).exact.get(foldWords(value));
  return c || (lang ? synonymCode(name, value, lang) : undefined);
}

/** The code `value` is a synonym of in `lang` (and not a label or code itself), or undefined. */
export function synonymCode(name: VocabName, value: string, lang: Lang): string | undefined {
  const f = foldWords(value);
  if (indexOf(name).exact.has(f)) return undefined;
  return synonymIndex(name, lang).get(f);
}

/**
 * Up to `n` terms close to `value`, best first, labelled in `lang`; only scores of at least 0.45.
 * A term is weighed by its labels in both languages and its synonyms in `lang` ("Armed force"
 * comes near the military through "armed forces", not near a non-state armed group).
 */
export function suggestCodes(name: VocabName, value: string, lang: Lang, n = 3): Suggestion[] {
  const out: Suggestion[] = [];
  for (const t of indexOf(name).terms) {
    const words = [t.labels.es, t.labels.en, t.code.replace(/_/g, ' '), ...synonymsOf(name, t.code, lang)];
    const score = Math.max(...words.map((w) => similarity(value, w)));
    if (score >= 0.45) out.push({ code: t.code, label: t.labels[lang], score: Math.round(score * 100) / 100 });
  }
  return out.sort((a, b) => b.score - a.score || (a.code < b.code ? -1 : 1)).slice(0, n);
}
