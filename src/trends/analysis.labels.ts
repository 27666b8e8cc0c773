/** Display labels for facet values: vocabulary labels, place names, units. */
import { t, type Lang } from '../shared/i18n/index.js';
import { label, type VocabName } from '../vocab/index.js';
import { countryName, isCountry, isSubdivision, subdivisionName } from '../vocab/places.js';
import type { Facet } from './counts.schema.js';

export function countName(code: string, lang: Lang): string {
  return isCountry(code) ? countryName(code, lang) : code;
}

const vocabOf: Partial<Record<Facet, VocabName>> = { act_type: 'act_type', perpetrator_type: 'perpetrator_type', sector: 'defender_sector' };

/** The label of one facet value in `lang`; codes that are not known are shown as they are. */
export function facetValueLabel(facet: Facet, value: string | null, lang: Lang): string {
  if (value === null) return t(lang, 'analysis:facet_none');
  const vocab = vocabOf[facet];
  try {
    if (vocab) return label(vocab, value, lang);
  } catch {
    return value;
  }
  if (facet === 'country') return countName(value, lang);
  if (facet === 'subdivision') return isSubdivision(value) ? subdivisionName(value, lang) : value;
  if (facet === 'visibility' || facet === 'victim_kind') return t(lang, `analysis:values.${facet}.${value}`);
  return value;
}

export function facetLabel(facet: Facet, lang: Lang): string {
  return t(lang, `analysis:facets.${facet}`);
}
