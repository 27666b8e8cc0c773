/**
 * Synthetic case files with known truth, in the spirit of FEBRL (Christen 2008): originals with
 * Spanish and English names (two surnames, particles), dates, Venezuelan states and act types, and
 * duplicates corrupted the way records of the same act differ between organisations: typos, OCR
 * errors (0/O, 1/l, rn/m), swapped name order, missing second surname, nicknames, lost accents,
 * missing values, shifted or less precise dates, a neighbouring state, a related act type.
 * As in FEBRL, each duplicate gets a bounded number of modifications (1–3) drawn from a table.
 */
import type { LinkRecord } from './comparisons.levels.js';
import type { LinkConfigInput } from './link-config.schema.js';
import { seededRandom } from './linkage.engine.js';
import { NICKNAMES } from './names.normalize.js';
import { VE_NEIGHBOURS } from './ve-neighbours.data.js';

const spanishGiven = (
  'José Jesús Francisco Ignacio Dolores Guadalupe Concepción Rosario Guillermo Antonio Enrique Eduardo Pilar ' +
  'Manuel Rafael Rodolfo Teresa Graciela Isabel Juan Fernando Ramón Magdalena Gregorio Alicia Mercedes Lorenzo ' +
  'Vicente María Carmen Ana Luis Carlos Pedro Miguel Ángel Alejandro Andrés Daniel David Diego Gabriel Javier ' +
  'Jorge Julio Leonardo Marcos Mario Martín Nicolás Óscar Pablo Raúl Ricardo Roberto Sergio Simón Tomás Víctor ' +
  'Yolanda Beatriz Carolina Claudia Cristina Daniela Elena Elizabeth Fabiola Gabriela Gloria Inés Josefina ' +
  'Juliana Laura Lucía Luisa Marisol Mónica Natalia Patricia Paola Rebeca Rocío Sofía Susana Valentina Verónica ' +
  'Wilmer Yusmary Yoselin Deivis Eglée Freddy Henry Johan Leidy Nelson Omar Orlando Reinaldo Wilfredo Xiomara ' +
  'Zuleima Ender Yelitza Aura Belkis Coromoto Carmen Milagros Nohemí Emperatriz Rubén Heriberto'
).split(' ');
const englishGiven = (
  'William Robert James Michael Richard Thomas Anthony Elizabeth Katherine Margaret Susan David Steven Joseph ' +
  'Christopher John Mary Patricia Jennifer Linda Barbara Jessica Sarah Karen Nancy Lisa Betty Sandra Ashley ' +
  'Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura Sharon Cynthia Kathleen ' +
  'Amy Shirley Angela Helen Anna Brenda Pamela Nicole George Edward Brian Kevin Jason Matthew Gary Timothy'
).split(' ');
const spanishSurnames = (
  'González Rodríguez Pérez Hernández García Martínez López Díaz Sánchez Romero Ramírez Torres Flores Rojas ' +
  'Gómez Álvarez Morales Mendoza Suárez Castillo Gutiérrez Silva Medina Vargas Contreras Ramos Moreno Jiménez ' +
  'Rivas Castro Marcano Herrera Ortiz Rivero Blanco Guerrero Fernández Salazar Chacón Aponte Briceño Colmenares ' +
  'Zambrano Parra Peña Quintero Bolívar Uzcátegui Villalobos Urdaneta Montilla Barrios Linares Delgado Acosta ' +
  'Molina Carrillo Marín Cabrera Figueroa Rondón Sosa Márquez Núñez Vásquez Escalona Mora Ochoa Velásquez ' +
  'Arellano Bracho Camacho Duarte Echenique Fuenmayor Galindo Hurtado Infante Jaimes Lozada Maldonado Noguera ' +
  'Oropeza Padrón Querales Rangel Sequera Tovar Useche Valera Yépez Zerpa Alvarado Bastidas Cordero Daza ' +
  'Espinoza Fajardo Graterol Hidalgo Izarra Labrador Meléndez Nieves Olivares Pacheco Quiroz Rosales Salas ' +
  'Tirado Urbina Vielma Albornoz Betancourt Carvajal Domínguez Escobar Farías Guevara Huerta Ibarra Lugo'
)
  .split(' ')
  .concat(
    // Surnames with particles, placed among the moderately common ones.
    'de la Cruz|del Valle|de León|de los Santos|de Jesús|de Armas|del Castillo|de la Rosa|de Freitas|da Silva'.split('|'),
  );
const englishSurnames = (
  'Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee ' +
  'Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker ' +
  'Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy'
).split(' ');

const states: [string, number][] = [
  ['VE-V', 14], ['VE-M', 12], ['VE-A', 9], ['VE-G', 9], ['VE-K', 7], ['VE-D', 6], ['VE-B', 6], ['VE-F', 6],
  ['VE-S', 4], ['VE-N', 3], ['VE-J', 3], ['VE-I', 3], ['VE-R', 3], ['VE-L', 3], ['VE-P', 3], ['VE-E', 3],
  ['VE-T', 2], ['VE-U', 2], ['VE-X', 1.2], ['VE-C', 1.8], ['VE-H', 1], ['VE-O', 1.7], ['VE-Y', 0.6], ['VE-Z', 0.6],
];

export const syntheticActTypes = [
  'detencion_arbitraria', 'desaparicion_forzada', 'judicializacion', 'amenaza', 'hostigamiento',
  'estigmatizacion', 'vigilancia', 'agresion_fisica', 'asesinato', 'allanamiento', 'tortura', 'robo',
];
export const syntheticRelatedActs = [
  ['detencion_arbitraria', 'desaparicion_forzada', 'judicializacion'],
  ['amenaza', 'hostigamiento', 'estigmatizacion', 'vigilancia'],
  ['agresion_fisica', 'asesinato', 'tortura'],
  ['allanamiento', 'robo'],
];

const nicknamesOf = new Map<string, string[]>();
for (const [nick, full] of Object.entries(NICKNAMES)) {
  if (full.includes(' ')) continue;
  nicknamesOf.set(full, [...(nicknamesOf.get(full) ?? []), nick]);
}

type Rand = () => number;

function pick<T>(rand: Rand, xs: ArrayLike<T>): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

/** Zipf-like weights (1/rank^s), so González is far commoner than Zerpa. */
function zipfPicker<T>(xs: readonly T[], s: number): (rand: Rand) => T {
  const cum: number[] = [];
  let acc = 0;
  xs.forEach((_, k) => cum.push((acc += 1 / Math.pow(k + 1, s))));
  return (rand) => {
    const x = rand() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return xs[lo]!;
  };
}

function weightedPicker(items: readonly [string, number][]): (rand: Rand) => string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  return (rand) => {
    let x = rand() * total;
    for (const [v, w] of items) if ((x -= w) <= 0) return v;
    return items[items.length - 1]![0];
  };
}

interface Person {
  given: string[];
  surnames: string[];
  day: number;
  precision: 'day' | 'month';
  state: string;
  act: string;
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2015, 0, 1) / DAY_MS;
const SPAN = Date.UTC(2025, 0, 1) / DAY_MS - START;

function formatDate(day: number, precision: 'day' | 'month' | 'year'): string {
  const iso = new Date(day * DAY_MS).toISOString();
  return precision === 'day' ? iso.slice(0, 10) : precision === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

const letters = 'abcdefghijklmnopqrstuvwxyz';

function typo(rand: Rand, w: string): string {
  if (w.length < 2) return w;
  const k = Math.floor(rand() * w.length);
  switch (Math.floor(rand() * 4)) {
    case 0:
      return w.slice(0, k) + pick(rand, letters) + w.slice(k);
    case 1:
      return w.slice(0, k) + w.slice(k + 1);
    case 2:
      return w.slice(0, k) + pick(rand, letters) + w.slice(k + 1);
    default:
      return k + 1 < w.length ? w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2) : w;
  }
}

const ocrSwaps: [RegExp, string][] = [
  [/m/, 'rn'], [/rn/, 'm'], [/o/i, '0'], [/l/, '1'], [/i/, 'l'], [/e/, 'c'], [/cl/, 'd'], [/S/, '5'],
];

function ocr(rand: Rand, w: string): string {
  const options = ocrSwaps.filter(([re]) => re.test(w));
  if (!options.length) return w;
  const [re, to] = pick(rand, options);
  return w.replace(re, to);
}

function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

export interface SyntheticData {
  records: LinkRecord[];
  /** The true entity of each record. */
  entity: Int32Array;
}

export interface SyntheticOptions {
  records: number;
  /** Share of records that are duplicates of another record (0.2 = 20%). */
  duplicates: number;
  seed: number;
  source?: string;
}

function makePerson(rand: Rand, pickSpanishSurname: (r: Rand) => string, pickState: (r: Rand) => string): Person {
  const english = rand() < 0.15;
  const given = english
    ? [pick(rand, englishGiven), ...(rand() < 0.3 ? [pick(rand, englishGiven)] : [])]
    : [pick(rand, spanishGiven), ...(rand() < 0.55 ? [pick(rand, spanishGiven)] : [])];
  const surnames = english
    ? [pick(rand, englishSurnames), ...(rand() < 0.2 ? [pickSpanishSurname(rand)] : [])]
    : [pickSpanishSurname(rand), pickSpanishSurname(rand)];
  return {
    given,
    surnames,
    day: START + Math.floor(rand() * SPAN),
    precision: rand() < 0.1 ? 'month' : 'day',
    state: pickState(rand),
    act: pick(rand, syntheticActTypes),
  };
}

type Corruption =
  | 'nickname'
  | 'drop_surname'
  | 'drop_given'
  | 'typo'
  | 'ocr'
  | 'swap'
  | 'date_shift'
  | 'date_precision'
  | 'neighbour'
  | 'related_act'
  | 'missing';

/** Relative frequency of each kind of modification (as FEBRL draws modifications from a table). */
const corruptionWeights: [Corruption, number][] = [
  ['typo', 20], ['ocr', 8], ['nickname', 8], ['drop_surname', 12], ['drop_given', 6], ['swap', 6],
  ['date_shift', 18], ['date_precision', 10], ['neighbour', 6], ['related_act', 8], ['missing', 8],
];

/** Modifications per duplicate: 1, 2 or 3 (FEBRL's max_modification_per_record), never more. */
function modificationCount(rand: Rand): number {
  const x = rand();
  return x < 0.4 ? 1 : x < 0.75 ? 2 : 3;
}

function corrupt(rand: Rand, p: Person): Record<string, string | null> {
  let given = [...p.given];
  let surnames = [...p.surnames];
  let day = p.day;
  let precision: 'day' | 'month' | 'year' = p.precision;
  let state: string | null = p.state;
  let act: string | null = p.act;
  let date = true;
  let swapped = false;
  const pickCorruption = weightedPicker(corruptionWeights);
  const mutate = (xs: string[], f: (w: string) => string): string[] => {
    const k = Math.floor(rand() * xs.length);
    return xs.map((w, i) => (i === k ? f(w) : w));
  };
  const n = modificationCount(rand);
  for (let k = 0; k < n; k++) {
    switch (pickCorruption(rand) as Corruption) {
      case 'nickname':
        given = given.map((g) => {
          const nicks = nicknamesOf.get(stripAccents(g).toLowerCase());
          return nicks ? pick(rand, nicks).replace(/^./, (c) => c.toUpperCase()) : g;
        });
        break;
      case 'drop_surname':
        if (surnames.length > 1) surnames = surnames.slice(0, 1);
        break;
      case 'drop_given':
        if (given.length > 1) given = given.slice(0, 1);
        break;
      case 'typo':
        if (rand() < 0.5) given = mutate(given, (w) => typo(rand, w));
        else surnames = mutate(surnames, (w) => typo(rand, w));
        break;
      case 'ocr':
        if (rand() < 0.5) given = mutate(given, (w) => ocr(rand, w));
        else surnames = mutate(surnames, (w) => ocr(rand, w));
        break;
      case 'swap':
        swapped = true;
        break;
      case 'date_shift':
        day += (rand() < 0.5 ? -1 : 1) * (1 + Math.floor(rand() * 10));
        break;
      case 'date_precision':
        precision = rand() < 0.8 ? 'month' : 'year';
        break;
      case 'neighbour': {
        const near: readonly string[] = state ? (VE_NEIGHBOURS[state] ?? []) : [];
        if (near.length) state = pick(rand, near);
        break;
      }
      case 'related_act': {
        const group = syntheticRelatedActs.find((g) => g.includes(act ?? ''));
        if (group) act = pick(rand, group.filter((x) => x !== act));
        break;
      }
      case 'missing': {
        const which = Math.floor(rand() * 3);
        if (which === 0) date = false;
        else if (which === 1) state = null;
        else act = null;
        break;
      }
    }
  }
  let givenText = given.join(' ');
  let surnameText = surnames.join(' ');
  // Formatting, not a modification: upper case without accents, as many spreadsheets hold names.
  if (rand() < 0.3) {
    givenText = stripAccents(givenText).toUpperCase();
    surnameText = stripAccents(surnameText).toUpperCase();
  }
  if (swapped) [givenText, surnameText] = [surnameText, givenText];
  return {
    given_names: givenText,
    surnames: surnameText,
    date: date ? formatDate(day, precision) : null,
    subdivision: state,
    act_type: act,
  };
}

function present(p: Person): Record<string, string | null> {
  return {
    given_names: p.given.join(' '),
    surnames: p.surnames.join(' '),
    date: formatDate(p.day, p.precision),
    subdivision: p.state,
    act_type: p.act,
  };
}

/** N records of which a share are corrupted duplicates of others; shuffled; ids r1…rN. */
export function generateSynthetic(opts: SyntheticOptions): SyntheticData {
  const rand = seededRandom(opts.seed);
  const pickSurname = zipfPicker(spanishSurnames, 0.9);
  const pickState = weightedPicker(states);
  const originals = Math.max(1, Math.round(opts.records * (1 - opts.duplicates)));
  const people: Person[] = [];
  const rows: { fields: Record<string, string | null>; entity: number }[] = [];
  for (let e = 0; e < originals; e++) {
    const p = makePerson(rand, pickSurname, pickState);
    people.push(p);
    rows.push({ fields: present(p), entity: e });
  }
  for (let k = originals; k < opts.records; k++) {
    const e = Math.floor(rand() * originals);
    rows.push({ fields: corrupt(rand, people[e]!), entity: e });
  }
  for (let k = rows.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [rows[k], rows[j]] = [rows[j]!, rows[k]!];
  }
  const source = opts.source ?? 'synthetic';
  return {
    records: rows.map((r, k) => ({ source, id: `r${k + 1}`, fields: { id: `r${k + 1}`, ...r.fields } })),
    entity: Int32Array.from(rows, (r) => r.entity),
  };
}

/**
 * The config used with synthetic data (benchmark, tests, and the example in docs/methods/linkage.md).
 * Blocks grow with the data and pairs with the square of blocks, so from `records` > 200,000 on the
 * rules add a key each (measured at 1,000,000 records: the small-data rules would compare 324
 * million pairs; these compare 17 million, and let through 92% of the true pairs).
 */
export function syntheticLinkConfig(overrides: Partial<LinkConfigInput> = {}, scale?: { records: number }): LinkConfigInput {
  const large = (scale?.records ?? 0) > 200_000;
  const blocking = large
    ? [
        { name: 'surname_given_month', on: ['soundex(surnames)', 'initial(given_names)', 'month(date)'] },
        { name: 'given_place_month', on: ['first_token(given_names)', 'subdivision', 'month(date)'] },
        { name: 'names_place_year', on: ['soundex_firsts(given_names, surnames)', 'subdivision', 'year(date)'] },
        { name: 'names_act_year', on: ['soundex_firsts(given_names, surnames)', 'act_type', 'year(date)'] },
        { name: 'names_month', on: ['soundex_firsts(given_names, surnames)', 'month(date)'] },
        { name: 'first_words_place', on: ['first_token(surnames)', 'first_token(given_names)', 'subdivision'] },
      ]
    : [
        { name: 'surname_date', on: ['soundex(surnames)', 'month(date)'] },
        { name: 'given_place_year', on: ['initial(given_names)', 'subdivision', 'year(date)'] },
        { name: 'names_place', on: ['soundex_firsts(given_names, surnames)', 'subdivision'] },
        { name: 'names_year', on: ['soundex_firsts(given_names, surnames)', 'year(date)'] },
        { name: 'first_words', on: ['first_token(surnames)', 'first_token(given_names)'] },
      ];
  const training = large
    ? [
        { name: 'train_names', on: ['soundex(surnames)', 'first_token(given_names)'] },
        { name: 'train_date_place', on: ['month(date)', 'subdivision', 'act_type'] },
      ]
    : [
        { name: 'train_names', on: ['soundex(surnames)', 'initial(given_names)'] },
        { name: 'train_date_place', on: ['month(date)', 'subdivision'] },
      ];
  return {
    idColumn: 'id',
    comparisons: [
      { name: 'name', type: 'name', given: ['given_names'], surname: ['surnames'], thresholds: [0.92, 0.8] },
      { name: 'date', type: 'date', column: 'date', withinDays: [3, 10, 60] },
      { name: 'place', type: 'subdivision', column: 'subdivision' },
      { name: 'act', type: 'category', column: 'act_type', related: syntheticRelatedActs },
    ],
    blocking,
    training,
    threshold: 0.9,
    // Training rules are enumerated in full (only trainingMaxPairs of their pairs are compared).
    ...(large ? { maxPairs: 150_000_000 } : {}),
    ...overrides,
  };
}
