/**
 * Name normalisation for linkage: accent and case folding, tokens without particles, nicknames
 * mapped to the given name they stand for, and Soundex for blocking keys.
 */

/** Lower case, accents removed (ñ -> n, ü -> u), anything that is not a letter or digit -> one space. */
export function foldText(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    // Again: compatibility forms such as "🄐" only become letters after NFKD.
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Words that join Spanish (and a few other) surnames and given names: "de la Cruz", "del Valle",
 * "Pérez y Gómez", "María de los Ángeles". They carry no identity and are often dropped by
 * whoever typed the record, so they are removed before comparing.
 */
export const NAME_PARTICLES: ReadonlySet<string> = new Set([
  'de', 'del', 'la', 'las', 'los', 'el', 'y', 'e', 'da', 'das', 'do', 'dos', 'di', 'van', 'von', 'der', 'den',
]);

/**
 * Short forms -> the given name they usually stand for. Only unambiguous ones: "Beto" (Alberto or
 * Roberto) is left out on purpose, since mapping it would manufacture agreement.
 */
export const NICKNAMES: Readonly<Record<string, string>> = {
  pepe: 'jose', chepe: 'jose', pepito: 'jose', cheo: 'jose', chema: 'jose',
  chucho: 'jesus', chuy: 'jesus',
  paco: 'francisco', pancho: 'francisco', curro: 'francisco', frank: 'francisco',
  nacho: 'ignacio', lola: 'dolores', loli: 'dolores', lupe: 'guadalupe', concha: 'concepcion',
  conchita: 'concepcion', charo: 'rosario', chayo: 'rosario', memo: 'guillermo', tono: 'antonio',
  quique: 'enrique', kike: 'enrique', lalo: 'eduardo', pili: 'pilar', manolo: 'manuel', manu: 'manuel',
  rafa: 'rafael', fito: 'rodolfo', tere: 'teresa', maite: 'maria teresa', marite: 'maria teresa',
  chela: 'graciela', chabela: 'isabel', isa: 'isabel', juancho: 'juan', nando: 'fernando',
  moncho: 'ramon', nena: 'magdalena', goyo: 'gregorio', licha: 'alicia', meche: 'mercedes',
  lencho: 'lorenzo', chente: 'vicente', tencha: 'hortensia',
  bill: 'william', will: 'william', billy: 'william', bob: 'robert', rob: 'robert', bobby: 'robert',
  jim: 'james', jimmy: 'james', mike: 'michael', dick: 'richard', rick: 'richard', tom: 'thomas',
  tony: 'anthony', liz: 'elizabeth', beth: 'elizabeth', kate: 'katherine', peggy: 'margaret',
  maggie: 'margaret', sue: 'susan', dave: 'david', steve: 'steven', joe: 'joseph', chris: 'christopher',
};

/** Folded name tokens, particles dropped, nicknames replaced (a nickname may expand to two tokens). */
export function nameTokens(s: string | null | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  for (const w of foldText(s).split(' ')) {
    if (w === '' || NAME_PARTICLES.has(w)) continue;
    const full = NICKNAMES[w];
    if (full) for (const p of full.split(' ')) out.push(p);
    else out.push(w);
  }
  return out;
}

/** The canonical form compared for exact agreement: tokens sorted, so swapped name order still agrees. */
export function nameKey(tokens: readonly string[]): string {
  return [...tokens].sort().join(' ');
}

const soundexCodes: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
};

/** American Soundex of a folded word ("" for a word without letters). H and W do not separate codes. */
export function soundex(word: string): string {
  const w = foldText(word).replace(/[^a-z]/g, '');
  if (w === '') return '';
  let out = w[0]!.toUpperCase();
  let last = soundexCodes[w[0]!] ?? '';
  for (let i = 1; i < w.length && out.length < 4; i++) {
    const ch = w[i]!;
    const code = soundexCodes[ch];
    if (code) {
      if (code !== last) out += code;
      last = code;
    } else if (ch !== 'h' && ch !== 'w') {
      last = '';
    }
  }
  return out.padEnd(4, '0');
}
