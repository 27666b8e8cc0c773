import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, nameKey, nameTokens, soundex } from './names.normalize.js';

const accents: Record<string, string[]> = {
  a: ['á', 'à', 'ä', 'â'], e: ['é', 'è', 'ë'], i: ['í', 'ï'], o: ['ó', 'ö'], u: ['ú', 'ü'], n: ['ñ'], c: ['ç'],
};
const plainWord = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')), minLength: 1, maxLength: 10 });

describe('foldText', () => {
  it('folds accents, case and punctuation', () => {
    expect(foldText('  José-María  ÑÚÑEZ ')).toBe('jose maria nunez');
    expect(foldText("O'Higgins")).toBe('o higgins');
  });

  it('is idempotent on any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(foldText(foldText(s))).toBe(foldText(s));
      }),
    );
  });

  it('ignores accents and case: an accented, upper-cased spelling folds to the plain one', () => {
    fc.assert(
      fc.property(fc.array(plainWord, { minLength: 1, maxLength: 4 }), fc.infiniteStream(fc.nat()), (words, picks) => {
        const plain = words.join(' ');
        const it = picks[Symbol.iterator]();
        const decorated = [...plain]
          .map((ch) => {
            const options = accents[ch];
            const k = it.next().value as number;
            const out = options && k % 2 === 0 ? options[k % options.length]! : ch;
            return k % 3 === 0 ? out.toUpperCase() : out;
          })
          .join('');
        expect(foldText(decorated)).toBe(foldText(plain));
      }),
    );
  });
});

describe('nameTokens', () => {
  it('drops particles and maps nicknames', () => {
    expect(nameTokens('María de los Ángeles de la Cruz')).toEqual(['maria', 'angeles', 'cruz']);
    expect(nameTokens('Pepe')).toEqual(['jose']);
    expect(nameTokens('CHUCHO')).toEqual(['jesus']);
    expect(nameTokens('Paco del Valle')).toEqual(['francisco', 'valle']);
    expect(nameTokens(null)).toEqual([]);
  });

  it('gives the same key whatever the order of the words', () => {
    expect(nameKey(nameTokens('José Pérez'))).toBe(nameKey(nameTokens('PÉREZ, Pepe')));
  });
});

describe('soundex', () => {
  it('matches the reference codes', () => {
    expect(soundex('Robert')).toBe('R163');
    expect(soundex('Rupert')).toBe('R163');
    expect(soundex('Ashcraft')).toBe('A261');
    expect(soundex('Tymczak')).toBe('T522');
    expect(soundex('Pfister')).toBe('P236');
    expect(soundex('González')).toBe(soundex('Gonzales'));
    expect(soundex('')).toBe('');
  });
});
