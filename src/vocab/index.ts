/**
 * Controlled vocabularies: one versioned JSON file per vocabulary in `data/`, read once on first use
 * and frozen. Codes are Atalaya's own stable identifiers (never renamed; retired ones are marked
 * `deprecated` and stay valid for stored records); `esf` is the HURIDOCS ESF crosswalk code.
 *
 * Two questions are kept apart on purpose: `hasCode` says whether a stored value is meaningful
 * (deprecated codes included), `isSelectable` whether it may be chosen for new input (leaf, not
 * deprecated). Database code validates writes with `assertSelectable`, reads with `hasCode`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { foldText } from './text-fold.js';

export { foldText, foldWords } from './text-fold.js';

/** Every vocabulary Atalaya ships. A test fails when `data/` holds a file not listed here, or lacks one. */
export const vocabularyNames = [
  'act_type',
  'perpetrator_type',
  'involvement_degree',
  'defender_sector',
  'source_type',
  'source_connection',
  'reliability',
  'intervention_type',
  'intervention_response',
  'international_mechanism',
  'incident_link_type',
  'gender',
  'detention_type',
  'victim_status',
  'incident_status',
] as const;
export type VocabName = (typeof vocabularyNames)[number];

export type Labels = Readonly<Record<Lang, string>>;

/** A term as written in the data file. */
export interface TermData {
  code: string;
  parent?: string;
  labels: Record<Lang, string>;
  esf?: string;
  description?: Record<Lang, string>;
  deprecated?: boolean;
}

/** The data file's shape. */
export interface VocabularyData {
  name: string;
  version: string;
  labels: Record<Lang, string>;
  terms: TermData[];
}

export interface Term {
  readonly code: string;
  readonly parent?: string;
  readonly labels: Labels;
  readonly esf?: string;
  readonly description?: Labels;
  readonly deprecated: boolean;
  /** A leaf that is not deprecated: the only terms new records may use. */
  readonly selectable: boolean;
  /** 0 for top-level terms, 1 for their children. */
  readonly depth: number;
  /** Position in the data file; the order of ordinal vocabularies such as `reliability`. */
  readonly position: number;
}

export interface Vocabulary {
  readonly name: VocabName;
  readonly version: string;
  readonly labels: Labels;
  readonly terms: readonly Term[];
}

/** A term shaped for a pick list in one language. */
export interface PickTerm {
  readonly code: string;
  readonly label: string;
  readonly parent?: string;
  readonly parentLabel?: string;
  readonly selectable: boolean;
  readonly deprecated: boolean;
}

interface Loaded {
  vocab: Vocabulary;
  byCode: ReadonlyMap<string, Term>;
  childrenOf: ReadonlyMap<string | undefined, readonly Term[]>;
}

const dataDir = join(dirname(fileURLToPath(import.meta.url)), 'data');

export function isVocabularyName(s: unknown): s is VocabName {
  return typeof s === 'string' && (vocabularyNames as readonly string[]).includes(s);
}

function fail(file: string, where: string, why: string): never {
  throw new Error(`vocab/data/${file}: ${where}: ${why}`);
}

function checkLabels(file: string, where: string, v: unknown): Record<Lang, string> {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') fail(file, where, 'labels missing');
  for (const l of ['es', 'en'] as const) {
    if (typeof o[l] !== 'string') fail(file, `${where}.${l}`, 'label missing');
  }
  return { es: o.es as string, en: o.en as string };
}

/** Checks the shape only; the content rules (snake_case, parents, esf format) are in the test. */
export function parseVocabulary(file: string, raw: unknown): VocabularyData {
  const o = raw as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') fail(file, '$', 'not an object');
  if (typeof o.name !== 'string') fail(file, 'name', 'missing');
  if (typeof o.version !== 'string') fail(file, 'version', 'missing');
  if (!Array.isArray(o.terms)) fail(file, 'terms', 'not a list');
  const terms = (o.terms as unknown[]).map((t, i): TermData => {
    const r = t as Record<string, unknown> | null;
    const where = `terms[${i}]`;
    if (!r || typeof r !== 'object' || typeof r.code !== 'string') fail(file, where, 'code missing');
    if (r.parent !== undefined && typeof r.parent !== 'string') fail(file, `${where}.parent`, 'not a string');
    if (r.esf !== undefined && typeof r.esf !== 'string') fail(file, `${where}.esf`, 'not a string');
    if (r.deprecated !== undefined && typeof r.deprecated !== 'boolean') fail(file, `${where}.deprecated`, 'not a boolean');
    const out: TermData = { code: r.code as string, labels: checkLabels(file, `${where}.labels`, r.labels) };
    if (r.parent !== undefined) out.parent = r.parent as string;
    if (r.esf !== undefined) out.esf = r.esf as string;
    if (r.description !== undefined) out.description = checkLabels(file, `${where}.description`, r.description);
    if (r.deprecated !== undefined) out.deprecated = r.deprecated as boolean;
    return out;
  });
  return { name: o.name as string, version: o.version as string, labels: checkLabels(file, 'labels', o.labels), terms };
}

/** Builds the frozen, indexed form of one vocabulary. */
function buildVocabulary(name: VocabName, data: VocabularyData): Loaded {
  const parents = new Set(data.terms.map((t) => t.parent).filter((p): p is string => p !== undefined));
  const byCode = new Map<string, Term>();
  const childrenOf = new Map<string | undefined, Term[]>();
  data.terms.forEach((d, position) => {
    const deprecated = d.deprecated === true;
    const term: Term = Object.freeze({
      code: d.code,
      ...(d.parent !== undefined ? { parent: d.parent } : {}),
      labels: Object.freeze({ ...d.labels }),
      ...(d.esf !== undefined ? { esf: d.esf } : {}),
      ...(d.description !== undefined ? { description: Object.freeze({ ...d.description }) } : {}),
      deprecated,
      selectable: !deprecated && !parents.has(d.code),
      depth: d.parent === undefined ? 0 : 1,
      position,
    });
    byCode.set(term.code, term);
    const siblings = childrenOf.get(term.parent) ?? [];
    siblings.push(term);
    childrenOf.set(term.parent, siblings);
  });
  for (const list of childrenOf.values()) Object.freeze(list);
  const vocab: Vocabulary = Object.freeze({
    name,
    version: data.version,
    labels: Object.freeze({ ...data.labels }),
    terms: Object.freeze([...byCode.values()]),
  });
  return { vocab, byCode, childrenOf };
}

/** JSON with sorted keys, so that the digest does not depend on formatting or key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const collators = new Map<Lang, Intl.Collator>();
/** Accent- and case-insensitive ordering, as people expect in a pick list. */
export function collator(lang: Lang): Intl.Collator {
  let c = collators.get(lang);
  if (!c) {
    c = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
    collators.set(lang, c);
  }
  return c;
}

export interface PickOptions {
  /** Include group (parent) terms; default false. */
  groups?: boolean;
  /** Include deprecated terms, e.g. to display a stored value in an edit form; default false. */
  deprecated?: boolean;
}

/** One row per term, for a database reference table (foreign keys, joins). */
export interface TermRow {
  vocabulary: VocabName;
  version: string;
  code: string;
  parent: string | null;
  esf: string | null;
  label_es: string;
  label_en: string;
  selectable: boolean;
  deprecated: boolean;
  position: number;
}

function unknownCode(name: VocabName, code: string, path: (string | number)[], key: string): AppError {
  return new AppError('unknown_code', { issues: [{ path, key, values: { name, code } }] });
}

/**
 * A frozen set of vocabularies and every question asked of them. The application uses the one
 * built from `data/` through the module-level functions below; tests build others.
 */
export class VocabularySet {
  private readonly byName = new Map<VocabName, Loaded>();
  private readonly digests = new Map<VocabName, string>();
  private readonly pickCache = new Map<string, readonly PickTerm[]>();
  private readonly digestAll: string;

  constructor(data: readonly VocabularyData[]) {
    const hash = createHash('sha256');
    for (const d of data) {
      if (!isVocabularyName(d.name)) fail(`${d.name}.json`, 'name', 'not listed in vocabularyNames');
      this.byName.set(d.name, buildVocabulary(d.name, d));
      const json = canonicalJson(d);
      this.digests.set(d.name, createHash('sha256').update(json).digest('hex'));
      hash.update(json).update('\n');
    }
    this.digestAll = hash.digest('hex');
  }

  private loaded(name: VocabName): Loaded {
    const l = this.byName.get(name);
    if (!l) {
      throw new AppError('unknown_code', {
        issues: [{ path: ['vocabulary'], key: 'vocab:unknown_vocabulary', values: { name } }],
      });
    }
    return l;
  }

  /** Names and versions of every vocabulary, in the order of `vocabularyNames`. */
  vocabularies(): { name: VocabName; version: string; labels: Labels; size: number }[] {
    return [...this.byName.values()].map(({ vocab }) => ({
      name: vocab.name,
      version: vocab.version,
      labels: vocab.labels,
      size: vocab.terms.length,
    }));
  }

  getVocabulary(name: VocabName): Vocabulary {
    return this.loaded(name).vocab;
  }

  /** The term, or undefined when the code is unknown. */
  getTerm(name: VocabName, code: string): Term | undefined {
    return this.loaded(name).byCode.get(code);
  }

  /** True when the code exists (deprecated codes included): stored values stay meaningful. */
  hasCode(name: VocabName, code: string): boolean {
    return this.loaded(name).byCode.has(code);
  }

  /** True when new input may use this code: a leaf term that is not deprecated. */
  isSelectable(name: VocabName, code: string): boolean {
    return this.loaded(name).byCode.get(code)?.selectable === true;
  }

  /** Throws `unknown_code` naming the field when the code does not exist. */
  assertCode(name: VocabName, code: string, path: (string | number)[] = [name]): void {
    if (!this.hasCode(name, code)) throw unknownCode(name, code, path, 'vocab:unknown_code');
  }

  /** Throws `unknown_code` naming the field when the code cannot be chosen for new input, and why. */
  assertSelectable(name: VocabName, code: string, path: (string | number)[] = [name]): void {
    const term = this.getTerm(name, code);
    if (!term) throw unknownCode(name, code, path, 'vocab:unknown_code');
    if (term.deprecated) throw unknownCode(name, code, path, 'vocab:deprecated_code');
    if (!term.selectable) throw unknownCode(name, code, path, 'vocab:group_code');
  }

  /** The term's label; throws `unknown_code` for a code that does not exist. */
  label(name: VocabName, code: string, lang: Lang): string {
    const term = this.getTerm(name, code);
    if (!term) throw unknownCode(name, code, [name], 'vocab:unknown_code');
    return term.labels[lang];
  }

  /** Direct children of `parent` in data-file order; `undefined` gives the top level. */
  children(name: VocabName, parent: string | undefined): readonly Term[] {
    return this.loaded(name).childrenOf.get(parent) ?? [];
  }

  /**
   * Terms for a pick list, sorted by label in `lang` (accent-insensitive). By default only the
   * selectable ones. Ordinal vocabularies (reliability) are better shown in `getVocabulary` order.
   */
  terms(name: VocabName, lang: Lang, opts: PickOptions = {}): readonly PickTerm[] {
    // The data never changes once loaded, so each list is sorted once (a page may render many).
    const key = `${name}/${lang}/${opts.groups === true}/${opts.deprecated === true}`;
    const hit = this.pickCache.get(key);
    if (hit) return hit;
    const l = this.loaded(name);
    const c = collator(lang);
    const list = Object.freeze(
      l.vocab.terms
        .filter((t) => (opts.deprecated || !t.deprecated) && (opts.groups || !l.childrenOf.has(t.code)))
        .map((t) => Object.freeze(toPick(l, t, lang)))
        .sort((a, b) => c.compare(a.label, b.label) || (a.code < b.code ? -1 : 1)),
    );
    this.pickCache.set(key, list);
    return list;
  }

  /**
   * Terms whose Spanish or English label contains `query`, ignoring accents and case, for
   * searchable pick lists. Labels in `lang` that start with the query come first, then those that
   * contain it, then matches on the other language's label; each group by label in `lang`. An
   * empty query returns every term, as `terms` does.
   */
  searchTerms(name: VocabName, query: string, lang: Lang, opts: PickOptions = {}): readonly PickTerm[] {
    const q = foldText(query).trim();
    const all = this.terms(name, lang, opts);
    if (!q) return all;
    const l = this.loaded(name);
    const scored: { p: PickTerm; rank: number }[] = [];
    for (const p of all) {
      const term = l.byCode.get(p.code) as Term;
      const own = foldText(term.labels[lang]);
      const other = foldText(term.labels[lang === 'es' ? 'en' : 'es']);
      if (own.startsWith(q)) scored.push({ p, rank: 0 });
      else if (own.includes(q)) scored.push({ p, rank: 1 });
      else if (other.includes(q)) scored.push({ p, rank: 2 });
    }
    // `all` is already in label order and Array.prototype.sort is stable.
    return scored.sort((a, b) => a.rank - b.rank).map((s) => s.p);
  }

  /**
   * Other act types under the same parent (deprecated ones included, as stored records may use
   * them). Record linkage treats these as "close" when comparing two acts. A top-level code has none.
   */
  relatedActTypes(code: string): string[] {
    const l = this.loaded('act_type');
    const term = l.byCode.get(code);
    if (!term) throw unknownCode('act_type', code, ['act_type'], 'vocab:unknown_code');
    if (term.parent === undefined) return [];
    return (l.childrenOf.get(term.parent) ?? []).filter((t) => t.code !== code).map((t) => t.code);
  }

  /** SHA-256 (hex) of the canonical JSON of every vocabulary, or of one. */
  vocabDigest(name?: VocabName): string {
    if (name === undefined) return this.digestAll;
    this.loaded(name);
    return this.digests.get(name) as string;
  }

  /** Atalaya codes crosswalked to an ESF code, in data-file order; empty when none matches. */
  codesForEsf(name: VocabName, esf: string): string[] {
    return this.loaded(name)
      .vocab.terms.filter((t) => t.esf === esf)
      .map((t) => t.code);
  }

  termRows(): TermRow[] {
    return [...this.byName.values()].flatMap(({ vocab: v }) =>
      v.terms.map((t) => ({
        vocabulary: v.name,
        version: v.version,
        code: t.code,
        parent: t.parent ?? null,
        esf: t.esf ?? null,
        label_es: t.labels.es,
        label_en: t.labels.en,
        selectable: t.selectable,
        deprecated: t.deprecated,
        position: t.position,
      })),
    );
  }
}

function toPick(l: Loaded, term: Term, lang: Lang): PickTerm {
  const parent = term.parent === undefined ? undefined : l.byCode.get(term.parent);
  return {
    code: term.code,
    label: term.labels[lang],
    ...(parent ? { parent: parent.code, parentLabel: parent.labels[lang] } : {}),
    selectable: term.selectable,
    deprecated: term.deprecated,
  };
}

/** Reads every file of `data/` listed in `vocabularyNames`; throws naming the file on a bad one. */
export function readVocabularyData(): VocabularyData[] {
  return vocabularyNames.map((name) => {
    const file = `${name}.json`;
    const data = parseVocabulary(file, JSON.parse(readFileSync(join(dataDir, file), 'utf8')));
    if (data.name !== name) fail(file, 'name', `is "${data.name}", expected "${name}"`);
    return data;
  });
}

let shipped: VocabularySet | undefined;
/** The vocabularies Atalaya ships, read on first use. */
export function vocabularySet(): VocabularySet {
  shipped ??= new VocabularySet(readVocabularyData());
  return shipped;
}

// The application's API: the shipped set's methods as plain functions.
export const vocabularies = (): ReturnType<VocabularySet['vocabularies']> => vocabularySet().vocabularies();
export const getVocabulary = (name: VocabName): Vocabulary => vocabularySet().getVocabulary(name);
export const getTerm = (name: VocabName, code: string): Term | undefined => vocabularySet().getTerm(name, code);
export const hasCode = (name: VocabName, code: string): boolean => vocabularySet().hasCode(name, code);
export const isSelectable = (name: VocabName, code: string): boolean => vocabularySet().isSelectable(name, code);
export const assertCode = (name: VocabName, code: string, path?: (string | number)[]): void =>
  vocabularySet().assertCode(name, code, path);
export const assertSelectable = (name: VocabName, code: string, path?: (string | number)[]): void =>
  vocabularySet().assertSelectable(name, code, path);
export const label = (name: VocabName, code: string, lang: Lang): string => vocabularySet().label(name, code, lang);
export const children = (name: VocabName, parent: string | undefined): readonly Term[] =>
  vocabularySet().children(name, parent);
export const terms = (name: VocabName, lang: Lang, opts?: PickOptions): readonly PickTerm[] =>
  vocabularySet().terms(name, lang, opts);
export const searchTerms = (name: VocabName, query: string, lang: Lang, opts?: PickOptions): readonly PickTerm[] =>
  vocabularySet().searchTerms(name, query, lang, opts);
export const relatedActTypes = (code: string): string[] => vocabularySet().relatedActTypes(code);
/**
 * SHA-256 (hex) over every vocabulary's data in canonical JSON (sorted keys, no whitespace), or
 * over one vocabulary's when `name` is given: stored with analytic runs so a figure can be traced
 * to the exact vocabularies it was computed with. Reformatting a data file does not change it.
 */
export const vocabDigest = (name?: VocabName): string => vocabularySet().vocabDigest(name);
/** For ESF import: several codes may share one ESF term (statement and joint statement). */
export const codesForEsf = (name: VocabName, esf: string): string[] => vocabularySet().codesForEsf(name, esf);
/** One row per term of every vocabulary, for a database reference table. */
export const termRows = (): TermRow[] => vocabularySet().termRows();
