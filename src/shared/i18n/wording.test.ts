/**
 * Plain words in the Spanish catalogue: the user is addressed as "usted" everywhere, and "Estado"
 * means only a state or region (Venezuela's states), never the status of a case, statement or job.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from './index.js';

function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]]));
}

const es = new Map(Object.entries(loadCatalogue('es')).flatMap(([ns, o]) => flatten(o).map(([k, v]) => [`${ns}:${k}`, v] as [string, string])));
const en = new Map(Object.entries(loadCatalogue('en')).flatMap(([ns, o]) => flatten(o).map(([k, v]) => [`${ns}:${k}`, v] as [string, string])));

// Forms that only "tú" uses (possessives, pronouns, second-person verbs and imperatives with clitics).
const tuteo = /(?<![\p{L}])(tú|tu|tus|tuyo|tuya|contigo|puedes|tienes|quieres|debes|eres|estás|necesitas|sepáralo|desmárcalo|revísalo|elígelo)(?![\p{L}])/iu;

describe('Spanish wording', () => {
  it('addresses the user as usted', () => {
    const informal = [...es].filter(([, v]) => tuteo.test(v)).map(([k, v]) => `${k}: ${v}`);
    expect(informal).toEqual([]);
  });

  it('keeps "Estado" for states: a status is a "situación"', () => {
    const clashes = [...en].filter(([k, v]) => /\bstatus\b/i.test(v) && /\bestados?\b/i.test(es.get(k) ?? '')).map(([k]) => `${k}: ${es.get(k)}`);
    expect(clashes).toEqual([]);
    expect(es.get('ui:case.status')).not.toMatch(/estado/i);
    expect(es.get('workspace:field.status')).not.toMatch(/estado/i);
    expect(es.get('workspace:field.subdivision')).toMatch(/Estado/);
  });

  it('explains the terms of the linkage and estimation pages in both languages', () => {
    for (const k of ['linkplatform:explain.iterations', 'linkplatform:explain.precision', 'estimateui:explain.interval', 'estimateui:explain.estimate']) {
      expect(es.get(k), k).toBeTruthy();
      expect(en.get(k), k).toBeTruthy();
    }
    expect(es.get('linkplatform:explain.precision')).toMatch(/precisión de 1/);
  });
});
