/**
 * Form fields of the workspace. Every control has a visible label, hints and errors are tied to it
 * with aria-describedby, and pick lists are plain <select>s (grouped with <optgroup>) so they work
 * without JavaScript and with screen readers; a small script may add filtering on top.
 */
import type { Child } from 'hono/jsx';
import type { Lang } from '../../shared/i18n/index.js';
import { terms, type PickTerm, type VocabName } from '../../vocab/index.js';
import { countries, subdivisions } from '../../vocab/places.js';
import type { PageContext } from '../page-context.js';

export type Errors = Record<string, string>;

function describedBy(id: string, hint?: string | null, error?: string | null): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function Help(props: { id: string; hint?: string | null | undefined; error?: string | null | undefined }) {
  return (
    <>
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span class="field-error" id={`${props.id}-error`}>
          {props.error}
        </span>
      ) : null}
    </>
  );
}

export function TextField(props: {
  id: string;
  name?: string;
  label: string;
  value?: unknown;
  hint?: string | null;
  error?: string | null | undefined;
  type?: 'text' | 'url' | 'number' | 'search';
  required?: boolean;
  multiline?: boolean;
  autocomplete?: string;
}) {
  const { id } = props;
  const value = props.value == null ? '' : String(props.value);
  const common = {
    id,
    name: props.name ?? id,
    'aria-describedby': describedBy(id, props.hint, props.error),
    'aria-invalid': props.error ? 'true' : undefined,
    required: props.required,
  };
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        <Help id={id} hint={props.hint} error={props.error} />
      </label>
      {props.multiline ? (
        <textarea {...common}>{value}</textarea>
      ) : (
        <input {...common} type={props.type ?? 'text'} value={value} autocomplete={props.autocomplete ?? 'off'} />
      )}
    </div>
  );
}

export function CheckField(props: { id: string; name?: string; label: string; checked?: boolean; value?: string }) {
  return (
    <div class="check">
      <input type="checkbox" id={props.id} name={props.name ?? props.id} value={props.value ?? 'on'} checked={props.checked} />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

/** A date with its precision: YYYY, YYYY-MM or YYYY-MM-DD, and an "approximate" box. */
export function DateField(props: { pc: PageContext; id: string; label: string; value?: unknown; approximate?: unknown; error?: string | null | undefined; showHint?: boolean }) {
  const { pc, id } = props;
  const hint = props.showHint === false ? null : pc.t('workspace:field.date_hint');
  return (
    <div class="field date-field">
      <label for={id}>
        {props.label}
        <Help id={id} hint={hint} error={props.error} />
      </label>
      <div class="date-row">
        <input
          id={id}
          name={id}
          type="text"
          inputmode="numeric"
          autocomplete="off"
          placeholder={pc.lang === 'es' ? 'AAAA-MM-DD' : 'YYYY-MM-DD'}
          maxlength={10}
          value={props.value == null ? '' : String(props.value)}
          aria-describedby={describedBy(id, hint, props.error)}
          aria-invalid={props.error ? 'true' : undefined}
        />
        <CheckField id={`${id}Approx`} label={pc.t('workspace:field.approximate')} checked={props.approximate === true} />
      </div>
    </div>
  );
}

function groupTerms(list: readonly PickTerm[]): { label: string | null; items: PickTerm[] }[] {
  const groups = new Map<string | null, PickTerm[]>();
  for (const term of list) {
    const k = term.parentLabel ?? null;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(term);
  }
  return [...groups.entries()].map(([label, items]) => ({ label, items })).sort((a, b) => (a.label ?? '').localeCompare(b.label ?? ''));
}

export function Select(props: {
  id: string;
  name?: string;
  label: string;
  hint?: string | null;
  error?: string | null | undefined;
  value?: unknown;
  empty?: string | null;
  options?: { value: string; label: string }[];
  groups?: { label: string | null; items: { value: string; label: string }[] }[];
  /** Accessible name of the filter box a script may add above a long list. */
  filter?: string | false;
  required?: boolean;
}) {
  const { id } = props;
  const value = props.value == null ? '' : String(props.value);
  const opt = (o: { value: string; label: string }) => (
    <option value={o.value} selected={o.value === value}>
      {o.label}
    </option>
  );
  return (
    <div class="field">
      <label for={id}>
        {props.label}
        <Help id={id} hint={props.hint} error={props.error} />
      </label>
      <select
        id={id}
        name={props.name ?? id}
        aria-describedby={describedBy(id, props.hint, props.error)}
        aria-invalid={props.error ? 'true' : undefined}
        data-filter={props.filter || undefined}
        required={props.required}
      >
        {props.empty !== null ? <option value="">{props.empty ?? ''}</option> : null}
        {props.options?.map(opt)}
        {props.groups?.map((g) => (g.label ? <optgroup label={g.label}>{g.items.map(opt)}</optgroup> : g.items.map(opt)))}
      </select>
    </div>
  );
}

/** A vocabulary as a pick list in the reader's language, grouped by its parent terms. */
export function VocabSelect(props: { pc: PageContext; vocab: VocabName; id: string; label: string; value?: unknown; error?: string | null | undefined; hint?: string | null; required?: boolean }) {
  const { pc } = props;
  const groups = groupTerms(terms(props.vocab, pc.lang)).map((g) => ({ label: g.label, items: g.items.map((x) => ({ value: x.code, label: x.label })) }));
  return (
    <Select
      id={props.id}
      label={props.label}
      value={props.value}
      error={props.error}
      hint={props.hint ?? null}
      empty={pc.t('workspace:field.choose')}
      groups={groups}
      filter={groups.length > 1 && pc.t('workspace:field.filter')}
      required={props.required}
    />
  );
}

export function vocabOptions(vocab: VocabName, lang: Lang): { value: string; label: string }[] {
  return terms(vocab, lang).map((x) => ({ value: x.code, label: x.label }));
}

export function CountrySelect(props: { pc: PageContext; id: string; value?: unknown; error?: string | null | undefined }) {
  const { pc } = props;
  return (
    <Select
      id={props.id}
      label={pc.t('workspace:field.country')}
      value={props.value}
      error={props.error}
      empty={pc.t('workspace:field.choose')}
      options={countries(pc.lang).map((c) => ({ value: c.code, label: c.name }))}
      filter={pc.t('workspace:field.filter')}
    />
  );
}

/** Subdivisions of the chosen country (Venezuela's states when none is chosen yet). */
export function SubdivisionSelect(props: { pc: PageContext; id: string; country?: unknown; value?: unknown; error?: string | null | undefined }) {
  const { pc } = props;
  const country = typeof props.country === 'string' && props.country ? props.country : 'VE';
  let list: { value: string; label: string }[] = [];
  try {
    list = subdivisions(country, pc.lang).map((s) => ({ value: s.code, label: s.name }));
  } catch {
    list = [];
  }
  return (
    <Select
      id={props.id}
      label={pc.t('workspace:field.subdivision')}
      hint={pc.t('workspace:field.subdivision_hint')}
      value={props.value}
      error={props.error}
      empty={pc.t('workspace:field.none')}
      options={list}
    />
  );
}

export function ErrorSummary(props: { pc: PageContext; errors: Errors }) {
  const entries = Object.entries(props.errors);
  if (!entries.length) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <p>
        <strong>{props.pc.t('workspace:intake.errors_title')}</strong>
      </p>
      <ul>
        {entries.map(([field, msg]) => (
          <li>
            <a href={`#${field}`}>{msg}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Hidden(props: { name: string; value: unknown }) {
  return <input type="hidden" name={props.name} value={props.value == null ? '' : String(props.value)} />;
}

export function Csrf(props: { pc: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.pc.csrf} />;
}

/** The outcome of the last form sent: a confirmation (status) or what went wrong (alert). */
export function Flash(props: { message?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {props.message ? (
        <p class="notice ok-notice" role="status">
          {props.message}
        </p>
      ) : null}
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
    </>
  );
}

export function Section(props: { title: string; children?: Child; id?: string }) {
  return (
    <section aria-labelledby={props.id ?? undefined}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}
