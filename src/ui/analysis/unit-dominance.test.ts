import { describe, expect, it } from 'vitest';
import { unitDominanceSentence } from './unit-dominance.js';

const months = ['2020-11', '2020-12', '2021-01', '2021-02'];
const series = (counts: number[]) => counts.map((count, i) => ({ period: months[i]!, count }));

describe('unitDominanceSentence', () => {
  it('says when one incident with many victims makes a rise that incidents do not show', () => {
    // One incident a month, the last one a group of 50.
    const es = unitDominanceSentence('es', 'victims', series([5, 6, 5, 50]), series([1, 1, 1, 1]));
    expect(es).toMatch(/la producen pocos incidentes con muchas víctimas/);
    expect(es).toMatch(/ninguna tendencia clara/);
    expect(es).toMatch(/un solo incidente suma 50 víctimas/);
    const en = unitDominanceSentence('en', 'victims', series([5, 6, 5, 50]), series([1, 1, 1, 1]));
    expect(en).toMatch(/a single incident accounts for 50 victims/);
  });

  it('stays silent when incidents tell the same story, or there is no trend', () => {
    expect(unitDominanceSentence('es', 'victims', series([2, 4, 6, 8]), series([2, 4, 6, 8]))).toBe('');
    expect(unitDominanceSentence('es', 'victims', series([5, 5, 5, 5]), series([1, 1, 1, 1]))).toBe('');
    expect(unitDominanceSentence('es', 'acts', series([4, 8, 12, 16]), series([2, 3, 5, 7]))).toBe('');
  });
});
