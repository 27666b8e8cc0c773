import { describe, expect, it } from 'vitest';
import { loadCatalogue, pickLanguage, t } from './index.js';

function keys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object') return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('i18n catalogue', () => {
  const es = loadCatalogue('es');
  const en = loadCatalogue('en');

  it('has the same namespaces in Spanish and English', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  for (const ns of Object.keys(en)) {
    it(`namespace ${ns}: every key exists in both languages and none is empty`, () => {
      const ke = keys(es[ns]).sort();
      const kn = keys(en[ns]).sort();
      expect(ke.filter((k) => !kn.includes(k)), 'keys missing in English').toEqual([]);
      expect(kn.filter((k) => !ke.includes(k)), 'keys missing in Spanish').toEqual([]);
      for (const k of kn) {
        const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], es[ns]);
        expect(typeof v === 'string' && v.trim().length > 0, `es ${ns}:${k} is empty`).toBe(true);
      }
    });
  }

  it('translates with interpolation', () => {
    expect(t('es', 'errors:request_id', { id: 'abc' })).toBe('Referencia de la solicitud: abc');
    expect(t('en', 'errors:request_id', { id: '<b>' })).toBe('Request reference: <b>');
  });

  it('picks the language from Accept-Language', () => {
    expect(pickLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(pickLanguage('fr-FR, en;q=0.5, es;q=0.8')).toBe('es');
    expect(pickLanguage('de')).toBe('es');
    expect(pickLanguage(undefined)).toBe('es');
    expect(pickLanguage('en;q=0, es')).toBe('es');
  });
});
