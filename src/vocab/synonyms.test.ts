/** The synonym list's own rules (synonyms.json): what an import may read as a term. */
import { describe, expect, it } from 'vitest';
import { getVocabulary, isSelectable, type VocabName } from './index.js';
import { countryName, normaliseCountry } from './places.js';
import { countryVariant, synonymData, synonymIndex } from './synonyms.js';
import { foldWords } from './text-fold.js';

describe('synonyms', () => {
  const data = synonymData();
  const entries = Object.entries(data.vocabularies) as [VocabName, Record<string, Record<string, string[]>>][];

  it('name only selectable terms, in Spanish and English, each word once per vocabulary and language', () => {
    for (const [name, terms] of entries) {
      for (const [code, byLang] of Object.entries(terms)) {
        expect(isSelectable(name, code), `${name}.${code}`).toBe(true);
        expect(Object.keys(byLang).every((l) => l === 'es' || l === 'en')).toBe(true);
      }
      for (const lang of ['es', 'en'] as const) {
        const seen = new Map<string, string>();
        for (const [code, byLang] of Object.entries(terms))
          for (const w of byLang[lang] ?? []) {
            const f = foldWords(w);
            expect(seen.get(f) ?? code, `"${w}" in ${name} (${lang}) names two terms`).toBe(code);
            seen.set(f, code);
          }
      }
    }
  });

  it('never take a word that is another term’s label or code', () => {
    for (const [name, terms] of entries) {
      const labels = new Map<string, string>();
      for (const t of getVocabulary(name).terms) for (const l of [t.labels.es, t.labels.en, t.code]) labels.set(foldWords(l), t.code);
      for (const [code, byLang] of Object.entries(terms))
        for (const w of [...(byLang.es ?? []), ...(byLang.en ?? [])]) expect(labels.get(foldWords(w)) ?? code, `"${w}" in ${name}`).toBe(code);
      for (const lang of ['es', 'en'] as const) for (const [, code] of synonymIndex(name, lang)) expect(isSelectable(name, code)).toBe(true);
    }
  });

  it('read a synonym only in its own language', () => {
    expect(synonymIndex('gender', 'en').get('male')).toBe('man');
    expect(synonymIndex('gender', 'es').get('male')).toBeUndefined();
    expect(synonymIndex('gender', 'es').get('femenino')).toBe('woman');
    expect(synonymIndex('perpetrator_type', 'en').get('armed forces')).toBe('military');
    expect(synonymIndex('perpetrator_type', 'en').get('private military actors')).toBe('private_security');
  });

  it('know other names of countries, each for a real country', () => {
    for (const [code, names] of Object.entries(data.countries)) {
      expect(countryName(code, 'en'), code).not.toBe(code);
      for (const n of names) expect(normaliseCountry(n), n).toBe(code);
    }
    expect(normaliseCountry('Democratic Republic of Congo')).toBe('CD');
    expect(normaliseCountry('Republic of the Congo')).toBe('CG');
    expect(countryVariant('Atlantis')).toBeUndefined();
  });
});
