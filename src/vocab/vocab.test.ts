import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import {
  assertCode,
  assertSelectable,
  children,
  codesForEsf,
  foldText,
  getTerm,
  getVocabulary,
  hasCode,
  isSelectable,
  isVocabularyName,
  label,
  readVocabularyData,
  relatedActTypes,
  searchTerms,
  termRows,
  terms,
  vocabDigest,
  vocabularies,
  vocabularyNames,
  VocabularySet,
} from './index.js';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), 'data');

/** An independent canonical form: sorted keys, no whitespace. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function issueOf(fn: () => unknown): { code: string; key: string; path: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, key: e.issues[0]?.key ?? '', path: e.issues[0]?.path };
    throw e;
  }
  throw new Error('did not throw');
}

describe('vocabulary loader', () => {
  it('lists every vocabulary with its version and size', () => {
    const list = vocabularies();
    expect(list.map((v) => v.name)).toEqual([...vocabularyNames]);
    const act = list.find((v) => v.name === 'act_type');
    expect(act?.version).toBe('2026.1');
    expect(act?.size).toBe(getVocabulary('act_type').terms.length);
    expect(act?.labels.es).toBe('Tipo de acto');
  });

  it('returns frozen data', () => {
    const v = getVocabulary('act_type');
    expect(Object.isFrozen(v)).toBe(true);
    expect(Object.isFrozen(v.terms)).toBe(true);
    expect(Object.isFrozen(v.terms[0])).toBe(true);
    expect(Object.isFrozen(v.terms[0]?.labels)).toBe(true);
    expect(() => {
      (v.terms as unknown as unknown[]).push({});
    }).toThrow();
    expect(getVocabulary('act_type')).toBe(v);
  });

  it('recognises vocabulary names', () => {
    expect(isVocabularyName('act_type')).toBe(true);
    expect(isVocabularyName('actor_kind')).toBe(false);
    expect(isVocabularyName(3)).toBe(false);
  });

  it('knows codes and which are selectable', () => {
    expect(hasCode('act_type', 'arrest')).toBe(true);
    expect(hasCode('act_type', 'deprivation_of_liberty')).toBe(true);
    expect(hasCode('act_type', 'Arrest')).toBe(false);
    expect(hasCode('act_type', 'police')).toBe(false);
    expect(hasCode('perpetrator_type', 'police')).toBe(true);
    expect(isSelectable('act_type', 'arrest')).toBe(true);
    expect(isSelectable('act_type', 'deprivation_of_liberty')).toBe(false);
    expect(isSelectable('act_type', 'other')).toBe(true);
    expect(isSelectable('act_type', 'nope')).toBe(false);
  });

  it('asserts codes with errors that name the field and the reason', () => {
    expect(() => assertSelectable('act_type', 'arrest', ['acts', 0, 'type'])).not.toThrow();
    expect(issueOf(() => assertSelectable('act_type', 'nope', ['acts', 0, 'type']))).toEqual({
      code: 'unknown_code',
      key: 'vocab:unknown_code',
      path: ['acts', 0, 'type'],
    });
    expect(issueOf(() => assertSelectable('act_type', 'judicial_harassment')).key).toBe('vocab:group_code');
    expect(() => assertCode('act_type', 'judicial_harassment')).not.toThrow();
    expect(issueOf(() => assertCode('gender', 'x')).key).toBe('vocab:unknown_code');
    expect(t('es', 'vocab:unknown_code', { name: 'gender', code: 'x' })).toBe('"x" no es un código del vocabulario "gender".');
  });

  it('labels codes in both languages and rejects unknown codes', () => {
    expect(label('act_type', 'death_threat', 'es')).toBe('Amenaza de muerte');
    expect(label('act_type', 'death_threat', 'en')).toBe('Death threat');
    expect(issueOf(() => label('act_type', 'nope', 'en')).code).toBe('unknown_code');
  });

  it('gives children in data order and the top level for undefined', () => {
    const top = children('act_type', undefined).map((x) => x.code);
    expect(top[0]).toBe('life_and_integrity');
    expect(top).toContain('deprivation_of_liberty');
    expect(top).not.toContain('arrest');
    const dl = children('act_type', 'deprivation_of_liberty').map((x) => x.code);
    expect(dl.slice(0, 3)).toEqual(['arrest', 'detention', 'house_arrest']);
    expect(children('act_type', 'arrest')).toEqual([]);
    for (const c of children('act_type', 'judicial_harassment')) expect(c.depth).toBe(1);
  });

  it('sorts pick lists by label, ignoring accents and case', () => {
    const es = terms('act_type', 'es');
    const labels = es.map((x) => x.label);
    const c = new Intl.Collator('es', { sensitivity: 'base', numeric: true });
    expect([...labels].sort(c.compare)).toEqual(labels);
    // Only selectable leaves by default, each carrying its group's label.
    expect(es.every((x) => x.selectable)).toBe(true);
    expect(es.find((x) => x.code === 'arrest')?.parentLabel).toBe('Privación de libertad');
    expect(es.some((x) => x.code === 'deprivation_of_liberty')).toBe(false);
    expect(terms('act_type', 'es', { groups: true }).some((x) => x.code === 'deprivation_of_liberty')).toBe(true);
    // "Ácido" sorts with A, not after Z: check the collator puts accented initials in place.
    const sectors = terms('defender_sector', 'es').map((x) => x.label);
    const i = sectors.findIndex((x) => x.startsWith('Abogacía'));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(sectors.slice(0, i).every((x) => foldText(x) <= foldText('Abogacía'))).toBe(true);
  });

  it('searches es and en labels without regard to accents or case, best matches first', () => {
    expect(searchTerms('act_type', 'DETENCION', 'es').map((x) => x.code)).toEqual(['detention']);
    expect(searchTerms('act_type', 'linea', 'es').map((x) => x.code)).toEqual(['online_harassment']);
    // Spanish labels starting with the query, then by the other language ("Arrest warrant…").
    expect(searchTerms('act_type', 'Arrest', 'es').map((x) => x.code)).toEqual([
      'house_arrest',
      'arrest',
      'arrest_warrant_summons',
    ]);
    // English query in a Spanish list finds by the English label.
    expect(searchTerms('act_type', 'spyware', 'es').map((x) => x.code)).toEqual(['digital_surveillance']);
    // Only the Spanish labels match, so the order is that of the English labels.
    expect(searchTerms('act_type', 'amenaza', 'en').map((x) => x.code)).toEqual([
      'death_threat',
      'threat',
      'threat_to_colleagues',
      'threat_to_family',
    ]);
    expect(searchTerms('act_type', 'zzzz', 'es')).toEqual([]);
    expect(searchTerms('act_type', '  ', 'es')).toEqual(terms('act_type', 'es'));
  });

  it('search results are always a subset that really contains the query (property)', () => {
    const all = getVocabulary('act_type').terms;
    fc.assert(
      fc.property(fc.constantFrom(...all.map((x) => x.labels.es + ' ' + x.labels.en)), fc.nat(), fc.nat(), (text, a, b) => {
        const from = a % text.length;
        const q = text.slice(from, from + 1 + (b % 6)).toUpperCase();
        const found = searchTerms('act_type', q, 'es', { groups: true });
        const fq = foldText(q).trim();
        for (const p of found) {
          const term = getTerm('act_type', p.code);
          expect(foldText(`${term?.labels.es}`).includes(fq) || foldText(`${term?.labels.en}`).includes(fq)).toBe(true);
        }
        // And nothing that contains it is missed.
        const expected = all.filter((x) => foldText(x.labels.es).includes(fq) || foldText(x.labels.en).includes(fq));
        if (fq) expect(found.length).toBe(expected.length);
      }),
      { numRuns: 200 },
    );
  });

  it('relates act types to their siblings', () => {
    const r = relatedActTypes('death_threat');
    expect(r).toContain('threat');
    expect(r).toContain('threat_to_family');
    expect(r).not.toContain('death_threat');
    expect(r).not.toContain('arrest');
    expect(relatedActTypes('other')).toEqual([]);
    expect(relatedActTypes('threats_and_stigmatisation')).toEqual([]);
    expect(issueOf(() => relatedActTypes('nope')).code).toBe('unknown_code');
  });

  it('hashes the data into a stable sha-256 digest, overall and per vocabulary', () => {
    const d = vocabDigest();
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(vocabDigest()).toBe(d);
    const g = vocabDigest('gender');
    expect(g).toMatch(/^[0-9a-f]{64}$/);
    expect(g).not.toBe(d);
    expect(g).not.toBe(vocabDigest('incident_status'));
    // The per-vocabulary digest is that of the canonical JSON of the file's content.
    const file = JSON.parse(readFileSync(join(dataDir, 'gender.json'), 'utf8')) as unknown;
    expect(g).toBe(createHash('sha256').update(canonical(file)).digest('hex'));
  });

  it('maps ESF codes back to Atalaya codes', () => {
    expect(codesForEsf('act_type', '030101000000')).toEqual(['arrest']);
    expect(codesForEsf('intervention_type', '020300')).toEqual(['statement', 'joint_statement']);
    expect(codesForEsf('act_type', '999999999999')).toEqual([]);
  });

  it('gives one reference-table row per term', () => {
    const rows = termRows();
    expect(rows.length).toBe(vocabularies().reduce((n, v) => n + v.size, 0));
    expect(rows.find((r) => r.vocabulary === 'act_type' && r.code === 'arrest')).toEqual({
      vocabulary: 'act_type',
      version: '2026.1',
      code: 'arrest',
      parent: 'deprivation_of_liberty',
      esf: '030101000000',
      label_es: 'Arresto o aprehensión',
      label_en: 'Arrest',
      selectable: true,
      deprecated: false,
      position: getTerm('act_type', 'arrest')?.position,
    });
    const keys = rows.map((r) => `${r.vocabulary}/${r.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('VocabularySet with deprecated terms', () => {
  // The shipped data has no deprecated term yet; add two to a copy of it.
  const data = readVocabularyData().map((d) =>
    d.name !== 'act_type'
      ? d
      : {
          ...d,
          terms: [
            ...d.terms,
            { code: 'exile_old', parent: 'movement', labels: { es: 'Destierro', en: 'Banishment' }, deprecated: true },
            { code: 'retired_group', labels: { es: 'Grupo retirado', en: 'Retired group' }, deprecated: true },
          ],
        },
  );
  const set = new VocabularySet(data);

  it('keeps deprecated codes readable but not selectable', () => {
    expect(set.hasCode('act_type', 'exile_old')).toBe(true);
    expect(set.isSelectable('act_type', 'exile_old')).toBe(false);
    expect(set.label('act_type', 'exile_old', 'es')).toBe('Destierro');
    expect(() => set.assertCode('act_type', 'exile_old')).not.toThrow();
    expect(issueOf(() => set.assertSelectable('act_type', 'exile_old', ['type']))).toEqual({
      code: 'unknown_code',
      key: 'vocab:deprecated_code',
      path: ['type'],
    });
    const term = set.getTerm('act_type', 'exile_old');
    expect([term?.deprecated, term?.depth, term?.selectable]).toEqual([true, 1, false]);
  });

  it('leaves deprecated terms out of pick lists and searches unless asked', () => {
    expect(set.terms('act_type', 'es').some((x) => x.code === 'exile_old')).toBe(false);
    expect(set.searchTerms('act_type', 'destierro', 'es')).toEqual([]);
    const withOld = set.terms('act_type', 'es', { deprecated: true });
    expect(withOld.find((x) => x.code === 'exile_old')).toMatchObject({ deprecated: true, selectable: false, parentLabel: 'Libertad de circulación' });
    // A deprecated top-level leaf is a term, not a group: shown with deprecated terms, not with groups.
    expect(withOld.some((x) => x.code === 'retired_group')).toBe(true);
    expect(set.terms('act_type', 'es', { groups: true }).some((x) => x.code === 'retired_group')).toBe(false);
    expect(set.searchTerms('act_type', 'destierro', 'es', { deprecated: true }).map((x) => x.code)).toEqual(['exile_old']);
  });

  it('still relates stored deprecated act types to their siblings', () => {
    expect(set.relatedActTypes('forced_exile')).toContain('exile_old');
    expect(set.relatedActTypes('exile_old')).toContain('forced_exile');
  });

  it('changes the digest of the changed vocabulary only', () => {
    expect(set.vocabDigest()).not.toBe(vocabDigest());
    expect(set.vocabDigest('act_type')).not.toBe(vocabDigest('act_type'));
    expect(set.vocabDigest('gender')).toBe(vocabDigest('gender'));
    expect(set.termRows().find((r) => r.code === 'exile_old')).toMatchObject({ deprecated: true, selectable: false });
  });

  it('refuses a vocabulary it does not know', () => {
    const small = new VocabularySet(data.filter((d) => d.name === 'gender'));
    expect(small.hasCode('gender', 'woman')).toBe(true);
    expect(issueOf(() => small.hasCode('act_type', 'arrest'))).toMatchObject({ code: 'unknown_code', key: 'vocab:unknown_vocabulary' });
    expect(() => new VocabularySet([{ ...data[0]!, name: 'actor_kind' }])).toThrow(/not listed/);
  });

  it('computes selectable, depth and position from the data', () => {
    const v = new VocabularySet([
      {
        name: 'gender',
        version: '1',
        labels: { es: 'x', en: 'x' },
        terms: [
          { code: 'g', labels: { es: 'G', en: 'G' } },
          { code: 'a', parent: 'g', labels: { es: 'A', en: 'A' } },
          { code: 'b', parent: 'g', labels: { es: 'B', en: 'B' }, deprecated: true },
          { code: 'old', labels: { es: 'Old', en: 'Old' }, deprecated: true },
        ],
      },
    ]).getVocabulary('gender');
    expect(v.terms.map((x) => [x.code, x.selectable, x.depth, x.position])).toEqual([
      ['g', false, 0, 0],
      ['a', true, 1, 1],
      ['b', false, 1, 2],
      ['old', false, 0, 3],
    ]);
  });
});
