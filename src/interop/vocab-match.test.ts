import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { excelSerialToDate, parseDateCell } from './date-parse.js';
import { editDistance, exactCode, similarity, suggestCodes, synonymCode } from './vocab-match.js';

describe('vocabulary matching', () => {
  it('accepts codes and labels in either language, ignoring accents and case', () => {
    expect(exactCode('act_type', 'raid')).toBe('raid');
    expect(exactCode('act_type', 'ALLANAMIENTO DE OFICINA O VIVIENDA')).toBe('raid');
    expect(exactCode('act_type', 'Raid on office or home')).toBe('raid');
    expect(exactCode('act_type', 'detencion')).toBe('detention');
    expect(exactCode('perpetrator_type', 'Policia')).toBe('police');
  });

  it('never accepts a close value: it only suggests', () => {
    expect(exactCode('act_type', 'detencion arbitraria')).toBeUndefined();
    expect(exactCode('act_type', 'alanamiento')).toBeUndefined();
    expect(suggestCodes('act_type', 'detencion arbitraria', 'es')[0]!.code).toBe('detention');
    expect(suggestCodes('act_type', 'alanamiento', 'es')[0]!.code).toBe('raid');
    expect(suggestCodes('act_type', 'amenasa de muerte', 'es')[0]!.code).toBe('death_threat');
    expect(suggestCodes('act_type', 'death treat', 'en')[0]!.code).toBe('death_threat');
  });

  it('accepts synonyms only in the language of the file, and weighs them in suggestions', () => {
    expect(exactCode('gender', 'Male', 'en')).toBe('man');
    expect(exactCode('gender', 'FEMALE', 'en')).toBe('woman');
    expect(exactCode('gender', 'Male', 'es')).toBeUndefined();
    expect(exactCode('gender', 'Male')).toBeUndefined();
    expect(exactCode('gender', 'masculino', 'es')).toBe('man');
    expect(exactCode('perpetrator_type', 'Armed forces', 'en')).toBe('military');
    expect(exactCode('perpetrator_type', 'Private military actors', 'en')).toBe('private_security');
    expect(exactCode('perpetrator_type', 'Ejército', 'es')).toBe('military');
    expect(synonymCode('gender', 'Woman', 'en')).toBeUndefined(); // a label, not a synonym
    expect(suggestCodes('perpetrator_type', 'Armed force', 'en')[0]!.code).toBe('military');
    expect(suggestCodes('perpetrator_type', 'Private military actor', 'en')[0]!.code).toBe('private_security');
    expect(suggestCodes('gender', 'Males', 'en')[0]).toMatchObject({ code: 'man', label: 'Man' });
    expect(suggestCodes('gender', 'Males', 'es')[0]?.label).not.toBe('Man');
  });

  it('suggests nothing for unrelated words, and never a group term', () => {
    expect(suggestCodes('act_type', 'xyzzy quux', 'es')).toEqual([]);
    for (const s of suggestCodes('act_type', 'privacion de libertad', 'es')) expect(s.code).not.toBe('deprivation_of_liberty');
  });

  it('edit distance and similarity are well behaved', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, a)).toBe(0);
        const s = similarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
    );
    expect(editDistance('alanamiento', 'allanamiento')).toBe(1);
  });
});

describe('date cells', () => {
  const f = ['DD/MM/YYYY', 'MM/YYYY', 'YYYY', 'D MMM YYYY'];
  it('keeps the precision that is written', () => {
    expect(parseDateCell('05/03/2020', f)).toEqual({ date: '2020-03-05', approximate: false, fromSerial: false });
    expect(parseDateCell('03/2020', f)!.date).toBe('2020-03');
    expect(parseDateCell('2020', f)!.date).toBe('2020');
    expect(parseDateCell('5 mar 2020', f)!.date).toBe('2020-03-05');
    expect(parseDateCell('c. 2019', f)).toEqual({ date: '2019', approximate: true, fromSerial: false });
  });
  it('reads Excel serial numbers (with the 1900 leap-year quirk)', () => {
    expect(excelSerialToDate(43891)).toBe('2020-03-01');
    expect(excelSerialToDate(61)).toBe('1900-03-01');
    expect(parseDateCell(43891, f)).toEqual({ date: '2020-03-01', approximate: false, fromSerial: true });
    expect(parseDateCell('43891', f)!.fromSerial).toBe(true);
    expect(parseDateCell(43891, f, false)).toBeNull();
  });
  it('refuses impossible dates rather than guessing', () => {
    expect(parseDateCell('31/02/2020', f)).toBeNull();
    expect(parseDateCell('13/13/2020', f)).toBeNull();
    expect(parseDateCell('ayer', f)).toBeNull();
  });
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseDateCell(s, f)));
  });
});
