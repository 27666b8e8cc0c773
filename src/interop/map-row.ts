/**
 * Turns one spreadsheet row into what Atalaya stores (an incident with its acts, one per victim
 * and act type), or into the list of what is wrong with it, by line and column. Vocabulary values
 * must be codes, labels (accents and case ignored) or entries of the profile's value map; every
 * other value is collected in the table of unmatched values, with close terms suggested.
 */
import { createHash } from 'node:crypto';
import { AppError, type FieldIssue } from '../shared/errors.js';
import { t, type Lang } from '../shared/i18n/index.js';
import { parseInput, recordInput } from '../records/index.js';
import { canonicalJson } from '../store/index.js';
import { foldWords, label as vocabLabel, type VocabName } from '../vocab/index.js';
import { countryName, normaliseCountry, normaliseSubdivision, subdivisionName } from '../vocab/places.js';
import { parseDateCell } from './date-parse.js';
import { formatsFor, otherOrder, type DateOrder } from './date-order.js';
import { listFields, vocabFields, type ImportField, type ImportProfile, type VocabField } from './import-profile.js';
import type { Cell, TableRow } from './read-table.js';
import { exactCode, suggestCodes, synonymCode, type Suggestion } from './vocab-match.js';

export interface MappedVictim {
  name: string;
  kind: 'person' | 'organisation' | 'group';
  gender: string | null;
  sectors: string[];
}
export interface MappedAct {
  actType: string;
  victim: MappedVictim;
  perpetratorTypes: string[];
  notes: string | null;
}
export interface MappedIncident {
  title: string;
  narrative: string | null;
  startDate: string | null;
  startApproximate: boolean;
  endDate: string | null;
  endApproximate: boolean;
  country: string | null;
  subdivision: string | null;
  placeName: string | null;
  status: string;
  visibility: 'private' | 'coalition' | 'public';
  language: Lang;
}
export interface MappedRow {
  line: number;
  /** Rows with the same group key form one incident (the external id, the incident key, or a content hash). */
  groupKey: string;
  incident: MappedIncident;
  acts: MappedAct[];
}

export interface RowIssue {
  line: number;
  column?: string | undefined;
  key: string;
  values?: Record<string, string | number> | undefined;
  /** Already translated (zod messages). */
  message?: string | undefined;
}

export type UnmatchedField = VocabField | 'victimKind' | 'country' | 'subdivision';

export interface UnmatchedValue {
  field: UnmatchedField;
  column: string;
  value: string;
  count: number;
  lines: number[];
  suggestions: Suggestion[];
}

/** A value accepted through a synonym of the file's language ("Male" → man), shown in the dry run. */
export interface SynonymValue {
  field: VocabField;
  column: string;
  value: string;
  code: string;
  label: string;
  count: number;
}

const kindWords: Record<string, MappedVictim['kind']> = {
  person: 'person', persona: 'person', individual: 'person', individuo: 'person', 'persona natural': 'person',
  organisation: 'organisation', organization: 'organisation', organizacion: 'organisation', ong: 'organisation', ngo: 'organisation',
  group: 'group', grupo: 'group', colectivo: 'group', comunidad: 'group', community: 'group',
};

const MAX_UNMATCHED = 2000;

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export class RowMapper {
  readonly index: Partial<Record<ImportField, number>> = {};
  private unmatched = new Map<string, UnmatchedValue>();
  private synonyms = new Map<string, SynonymValue>();
  private valueMaps: Partial<Record<UnmatchedField, Map<string, string | string[]>>> = {};
  private nullTokens: Set<string>;
  /** Per date column, the formats of the order settled for it (see date-order), and the other order's to explain a rejection. */
  private dateReading: Partial<Record<'startDate' | 'endDate', { order: DateOrder; formats: string[]; other: string[] }>> = {};

  constructor(
    readonly headers: string[],
    readonly profile: ImportProfile,
    readonly lang: Lang,
  ) {
    const missing: FieldIssue[] = [];
    const folded = headers.map((h) => foldWords(h));
    for (const [field, column] of Object.entries(profile.columns) as [ImportField, string][]) {
      let i = headers.indexOf(column);
      if (i < 0) i = folded.indexOf(foldWords(column));
      if (i < 0) missing.push({ path: ['columns', field], key: 'interop:profile.no_column', values: { column, field } });
      else this.index[field] = i;
    }
    if (missing.length) throw new AppError('bad_input', { issues: missing });
    this.nullTokens = new Set(profile.nullTokens.map((x) => x.trim().toLowerCase()));
    for (const [field, map] of Object.entries(profile.values) as [UnmatchedField, Record<string, string | string[]>][]) {
      this.valueMaps[field] = new Map(Object.entries(map).map(([k, v]) => [foldWords(k), v]));
    }
  }

  /** The cell of `field`, '' when absent or a null token of the profile ("NA", "s/d"…). */
  cell(row: TableRow, field: ImportField): Cell {
    const i = this.index[field];
    const c = i === undefined ? '' : (row.cells[i] ?? '');
    return typeof c === 'string' && this.isNull(c) ? '' : c;
  }
  private isNull(text: string): boolean {
    return this.nullTokens.has(text.trim().toLowerCase());
  }

  /** Reads the column of `field` in `order` only (settled for the whole column before any row is mapped). */
  readDatesIn(field: 'startDate' | 'endDate', order: DateOrder): void {
    const f = this.profile.dates.formats;
    this.dateReading[field] = { order, formats: formatsFor(f, order), other: formatsFor(f, otherOrder(order)) };
  }
  private text(row: TableRow, field: ImportField): string {
    const c = this.cell(row, field);
    if (c instanceof Date) return c.toISOString().slice(0, 10);
    return String(c).trim();
  }
  columnOf(field: ImportField | string): string | undefined {
    return (this.profile.columns as Record<string, string | undefined>)[field];
  }

  private noteUnmatched(field: UnmatchedField, value: string, line: number, vocab?: VocabName) {
    const k = `${field}\u0000${foldWords(value)}`;
    const u = this.unmatched.get(k);
    if (u) {
      u.count++;
      if (u.lines.length < 5) u.lines.push(line);
      return;
    }
    if (this.unmatched.size >= MAX_UNMATCHED) return;
    this.unmatched.set(k, {
      field,
      column: this.columnOf(field) ?? field,
      value,
      count: 1,
      lines: [line],
      suggestions: vocab ? suggestCodes(vocab, value, this.lang) : [],
    });
  }

  /** Counts a value read through a synonym, so the dry run shows what it was taken for. */
  private noteSynonym(field: VocabField, value: string, vocab: VocabName): void {
    const code = synonymCode(vocab, value, this.lang);
    if (!code) return;
    const k = `${field}\u0000${foldWords(value)}`;
    const u = this.synonyms.get(k);
    if (u) u.count++;
    else if (this.synonyms.size < MAX_UNMATCHED) this.synonyms.set(k, { field, column: this.columnOf(field) ?? field, value, code, label: vocabLabel(vocab, code, this.lang), count: 1 });
  }

  /** The distinct values read through a synonym, most frequent first. */
  synonymValues(): SynonymValue[] {
    return [...this.synonyms.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }

  /** The distinct values no term matched, most frequent first. */
  unmatchedValues(): UnmatchedValue[] {
    return [...this.unmatched.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }

  /** The profile's mapping of a value (parseProfile allows a list of codes only for list fields). */
  private mapped(field: UnmatchedField, value: string): string | undefined {
    const m = this.valueMaps[field]?.get(foldWords(value));
    return Array.isArray(m) ? m[0] : m;
  }

  /** The codes `value` stands for: one, or several when the profile maps it to a list; [] when unmatched (reported). */
  private vocabCodes(field: VocabField, value: string, line: number, issues: RowIssue[]): string[] {
    const vocab = vocabFields[field] as VocabName;
    const explicit = this.valueMaps[field]?.get(foldWords(value));
    const codes = explicit === undefined ? [exactCode(vocab, value, this.lang)] : Array.isArray(explicit) ? explicit : [explicit];
    if (codes.every((c) => c !== undefined && exactCode(vocab, c) === c)) {
      if (explicit === undefined) this.noteSynonym(field, value, vocab);
      return codes as string[];
    }
    this.noteUnmatched(field, value, line, vocab);
    issues.push({ line, column: this.columnOf(field), key: 'interop:row.unknown_value', values: { value: value.slice(0, 100), vocabulary: vocab } });
    return [];
  }

  private vocabValue(field: VocabField, value: string, line: number, issues: RowIssue[]): string | null {
    return this.vocabCodes(field, value, line, issues)[0] ?? null;
  }

  separatorOf(field: ImportField): string {
    return (this.profile.separators as Partial<Record<string, string>>)[field] ?? this.profile.separator;
  }

  private list(row: TableRow, field: ImportField): string[] {
    const raw = this.text(row, field);
    if (!raw) return [];
    const parts = listFields.includes(field) ? raw.split(this.separatorOf(field)) : [raw];
    return parts.map((p) => p.trim()).filter((p) => p && !this.isNull(p));
  }

  /**
   * The codes of a list cell. A whole cell the profile maps ("Police, Armed forces" -> police +
   * military) is taken as it is, before any split; otherwise each part on its own.
   */
  private listCodes(row: TableRow, field: 'actType' | 'perpetratorType' | 'sector', issues: RowIssue[], fallback?: string): string[] {
    const raw = this.text(row, field);
    const parts = raw && this.valueMaps[field]?.has(foldWords(raw)) ? [raw] : this.list(row, field);
    const texts = parts.length ? parts : fallback ? [fallback] : [];
    return [...new Set(texts.flatMap((v) => this.vocabCodes(field, v, row.line, issues)))];
  }

  private dateField(row: TableRow, field: 'startDate' | 'endDate', issues: RowIssue[]): { date: string | null; approximate: boolean } {
    const c = this.cell(row, field);
    if (typeof c === 'string' && c.trim() === '') return { date: null, approximate: false };
    const reading = this.dateReading[field];
    const d = parseDateCell(c, reading?.formats ?? this.profile.dates.formats, this.profile.dates.excelSerial);
    if (!d && reading && parseDateCell(c, reading.other, this.profile.dates.excelSerial)) {
      issues.push({
        line: row.line,
        column: this.columnOf(field),
        key: 'interop:row.date_other_order',
        values: { value: String(c).slice(0, 60), order: t(this.lang, `interop:dates.order_${reading.order}`) },
      });
      return { date: null, approximate: false };
    }
    if (!d) {
      issues.push({
        line: row.line,
        column: this.columnOf(field),
        key: 'interop:row.bad_date',
        values: { value: String(c).slice(0, 60), formats: this.profile.dates.formats.join(', ') },
      });
      return { date: null, approximate: false };
    }
    return { date: d.date, approximate: d.approximate };
  }

  map(row: TableRow): { row: MappedRow; issues: [] } | { row: null; issues: RowIssue[] } {
    const line = row.line;
    const issues: RowIssue[] = [];
    for (const n of row.notes) {
      // Formula notes are warnings; a short or long row is an error (the columns no longer line up).
      if (n.key === 'interop:read.short_row' || n.key === 'interop:read.long_row') issues.push({ line, column: n.column, key: n.key, values: n.values });
    }
    const p = this.profile;

    // Place
    let country: string | null = null;
    const countryText = this.text(row, 'country');
    if (countryText) {
      country = this.mapped('country', countryText) ?? normaliseCountry(countryText) ?? null;
      if (!country) {
        this.noteUnmatched('country', countryText, line);
        issues.push({ line, column: this.columnOf('country'), key: 'interop:row.unknown_country', values: { value: countryText.slice(0, 100) } });
      }
    } else country = p.defaults.country ?? null;
    let subdivision: string | null = null;
    const subText = this.text(row, 'subdivision');
    if (subText) {
      subdivision = this.mapped('subdivision', subText) ?? normaliseSubdivision(subText, country ?? undefined) ?? null;
      if (!subdivision) {
        this.noteUnmatched('subdivision', subText, line);
        issues.push({ line, column: this.columnOf('subdivision'), key: 'interop:row.unknown_subdivision', values: { value: subText.slice(0, 100), country: country ?? '' } });
      }
    }

    const start = this.dateField(row, 'startDate', issues);
    const end = this.dateField(row, 'endDate', issues);

    const statusText = this.text(row, 'status');
    const status = statusText ? this.vocabValue('status', statusText, line, issues) : (p.defaults.status ?? 'open');

    // Acts: every act type for every victim, each with every perpetrator type.
    const typeTexts = this.list(row, 'actType');
    const actTypes = this.listCodes(row, 'actType', issues, p.defaults.actType);
    if (!typeTexts.length && !p.defaults.actType) issues.push({ line, column: this.columnOf('actType'), key: 'interop:row.required', values: { field: 'actType' } });
    const perpetratorTypes = this.listCodes(row, 'perpetratorType', issues, p.defaults.perpetratorType);
    const sectors = this.listCodes(row, 'sector', issues);
    const genderText = this.text(row, 'gender');
    const gender = genderText ? this.vocabValue('gender', genderText, line, issues) : null;
    let kind: MappedVictim['kind'] = p.defaults.victimKind ?? 'person';
    const kindText = this.text(row, 'victimKind');
    if (kindText) {
      const k = (this.mapped('victimKind', kindText) ?? kindWords[foldWords(kindText)]) as MappedVictim['kind'] | undefined;
      if (k === 'person' || k === 'organisation' || k === 'group') kind = k;
      else {
        this.noteUnmatched('victimKind', kindText, line);
        issues.push({ line, column: this.columnOf('victimKind'), key: 'interop:row.unknown_kind', values: { value: kindText.slice(0, 100) } });
      }
    }
    const names = [...new Set(this.list(row, 'victims'))];
    if (!names.length) issues.push({ line, column: this.columnOf('victims') ?? 'victims', key: 'interop:row.no_victim' });
    for (const n of names) {
      if (n.length > 300) issues.push({ line, column: this.columnOf('victims'), key: 'interop:row.too_long', values: { max: 300 } });
    }

    let groupKey = '';
    if (p.unit === 'act' || this.index.externalId !== undefined) {
      const f = p.unit === 'act' ? 'incidentKey' : 'externalId';
      groupKey = this.text(row, f);
      if (!groupKey) issues.push({ line, column: this.columnOf(f), key: 'interop:row.required', values: { field: f } });
      else if (groupKey.length > 200) issues.push({ line, column: this.columnOf(f), key: 'interop:row.too_long', values: { max: 200 } });
    }

    const notes = this.text(row, 'actNotes') || null;
    let title = this.text(row, 'title');
    if (!title) title = this.defaultTitle(actTypes, subdivision, country, start.date);
    const incident: MappedIncident = {
      title,
      narrative: this.text(row, 'narrative') || null,
      startDate: start.date,
      startApproximate: start.approximate,
      endDate: end.date,
      endApproximate: end.approximate,
      country,
      subdivision,
      placeName: this.text(row, 'placeName') || null,
      status: status ?? 'open',
      visibility: p.defaults.visibility ?? 'private',
      language: p.language,
    };
    // The record model's own rules (lengths, date order, subdivision in country), in the user's language.
    try {
      parseInput(recordInput.incidentCreate, incident, this.lang);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const seen = new Set(issues.map((i) => i.column));
      for (const i of e.issues) {
        const field = String(i.path[0] ?? '');
        const column = this.columnOf(field) ?? field;
        if (seen.has(column) && (field === 'country' || field === 'subdivision' || field.endsWith('Date'))) continue;
        issues.push({ line, column, key: i.key, message: i.message ?? t(this.lang, i.key, i.values) });
      }
    }
    if (issues.length) return { row: null, issues };

    const acts: MappedAct[] = [];
    for (const name of names) {
      for (const actType of actTypes) acts.push({ actType, victim: { name, kind, gender, sectors }, perpetratorTypes, notes });
    }
    if (!groupKey) groupKey = `h:${contentHash({ incident, acts })}`;
    return { row: { line, groupKey, incident, acts }, issues: [] };
  }

  private defaultTitle(actTypes: string[], subdivision: string | null, country: string | null, date: string | null): string {
    const lang = this.profile.language;
    const parts: string[] = [];
    if (actTypes.length) parts.push(actTypes.map((c) => vocabLabel('act_type', c, lang)).join(', '));
    if (subdivision) parts.push(subdivisionName(subdivision, lang));
    else if (country) parts.push(countryName(country, lang));
    if (date) parts.push(date);
    const s = parts.join(' — ');
    return s.length >= 3 ? s.slice(0, 300) : t(lang, 'interop:untitled');
  }
}
