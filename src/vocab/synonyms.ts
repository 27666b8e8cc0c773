/**
 * Other words for vocabulary terms and other names of countries (synonyms.json), so that a file
 * written in everyday words ("Male", "Armed forces", "Democratic Republic of Congo") reads as the
 * terms it means. A synonym belongs to one language: an import reads those of its file's language.
 * Words are compared folded (accents, case, punctuation); a word two terms of one vocabulary claim,
 * or that already names another term, identifies neither and is left out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../shared/i18n/index.js';
import { getVocabulary, isSelectable, type VocabName } from './index.js';
import { foldWords } from './text-fold.js';

interface SynonymData {
  vocabularies: Partial<Record<VocabName, Record<string, Partial<Record<Lang, string[]>>>>>;
  countries: Record<string, string[]>;
}

let data: SynonymData | undefined;
export function synonymData(): SynonymData {
  data ??= JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'synonyms.json'), 'utf8')) as SynonymData;
  return data;
}

const indexes = new Map<string, Map<string, string>>();

/** Folded synonym → code for one vocabulary and language (ambiguous words and other terms' labels left out). */
export function synonymIndex(name: VocabName, lang: Lang): ReadonlyMap<string, string> {
  const key = `${name}:${lang}`;
  let ix = indexes.get(key);
  if (ix) return ix;
  const labels = new Map<string, string>();
  for (const t of getVocabulary(name).terms) for (const l of [t.labels.es, t.labels.en, t.code]) labels.set(foldWords(l), t.code);
  ix = new Map();
  const ambiguous = new Set<string>();
  for (const [code, words] of Object.entries(synonymData().vocabularies[name] ?? {})) {
    if (!isSelectable(name, code)) continue;
    for (const w of words[lang] ?? []) {
      const f = foldWords(w);
      if (!f || ambiguous.has(f)) continue;
      const other = labels.get(f) ?? ix.get(f);
      if (other !== undefined && other !== code) {
        ix.delete(f);
        ambiguous.add(f);
        continue;
      }
      ix.set(f, code);
    }
  }
  indexes.set(key, ix);
  return ix;
}

/** The synonyms of one term in one language, as written in the data file. */
export function synonymsOf(name: VocabName, code: string, lang: Lang): readonly string[] {
  return synonymData().vocabularies[name]?.[code]?.[lang] ?? [];
}

let countries: Map<string, string> | undefined;
/** The ISO 3166-1 alpha-2 code another name of a country stands for, or undefined. */
export function countryVariant(name: string): string | undefined {
  if (!countries) {
    countries = new Map();
    for (const [code, names] of Object.entries(synonymData().countries)) for (const n of names) countries.set(foldWords(n), code);
  }
  return countries.get(foldWords(name));
}
