/**
 * What a reporter may send. Nothing is required that identifies the reporter: only what happened,
 * roughly when (the year), and to whom (as a kind, not a name). Issues carry i18n keys naming the
 * field, in the reporter's language.
 */
import { isSubdivision, subdivisionCountry } from '../vocab/places.js';
import { isValidPartialDate } from '../shared/dates.js';
import type { FieldIssue } from '../shared/errors.js';

export const toWhomKinds = ['me', 'someone', 'organisation'] as const;
export const contactModes = ['code', 'other'] as const;
export const MAX_TEXT = 20_000;
export const MAX_SHORT = 500;
export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_MESSAGE = 10_000;

export interface ReportBody {
  what: string;
  when: { year: string; month: string; day: string; approximate: boolean };
  place: { country: string; subdivision: string; detail: string };
  toWhom: (typeof toWhomKinds)[number];
  whoAffected: string;
  byWhom: string;
  contact: { mode: (typeof contactModes)[number]; detail: string };
  lang: string;
}

type Form = Record<string, string | undefined>;
const s = (f: Form, k: string, max: number) => (f[k] ?? '').replace(/\r\n/g, '\n').trim().slice(0, max);

/** The form as typed (for showing it again) and its problems; `body` is null while there are any. */
export function readReportForm(f: Form, country: string, lang: string): { body: ReportBody; issues: FieldIssue[] } {
  const body: ReportBody = {
    what: s(f, 'what', MAX_TEXT + 1),
    when: { year: s(f, 'year', 4), month: s(f, 'month', 2), day: s(f, 'day', 2), approximate: f.approximate === 'on' },
    place: { country, subdivision: s(f, 'subdivision', 10).toUpperCase(), detail: s(f, 'placeDetail', MAX_SHORT) },
    toWhom: (toWhomKinds as readonly string[]).includes(f.toWhom ?? '') ? (f.toWhom as ReportBody['toWhom']) : ('' as never),
    whoAffected: s(f, 'whoAffected', MAX_SHORT),
    byWhom: s(f, 'byWhom', MAX_SHORT),
    contact: { mode: f.contact === 'other' ? 'other' : 'code', detail: s(f, 'contactDetail', MAX_SHORT) },
    lang,
  };
  const issues: FieldIssue[] = [];
  if (body.what.length < 10) issues.push({ path: ['what'], key: 'intake:errors.what_short' });
  if (body.what.length > MAX_TEXT) issues.push({ path: ['what'], key: 'intake:errors.what_long', values: { max: MAX_TEXT } });
  const { year, month, day } = body.when;
  const date = [year, month && month.padStart(2, '0'), month && day && day.padStart(2, '0')].filter(Boolean).join('-');
  const thisYear = new Date().getUTCFullYear();
  if (!year) issues.push({ path: ['year'], key: 'intake:errors.year_missing' });
  else if (!isValidPartialDate(date) || Number(year) > thisYear || (day && !month)) issues.push({ path: ['year'], key: 'intake:errors.date_invalid' });
  if (body.place.subdivision && (!isSubdivision(body.place.subdivision) || subdivisionCountry(body.place.subdivision) !== country)) {
    issues.push({ path: ['subdivision'], key: 'intake:errors.place_invalid' });
  }
  if (!body.toWhom) issues.push({ path: ['toWhom'], key: 'intake:errors.to_whom_missing' });
  if (body.contact.mode === 'other' && !body.contact.detail) issues.push({ path: ['contactDetail'], key: 'intake:errors.contact_missing' });
  if (body.contact.mode === 'code') body.contact.detail = '';
  return { body, issues };
}

/** The partial date ('YYYY', 'YYYY-MM', 'YYYY-MM-DD') the report gives, for the intake wizard. */
export function reportDate(b: ReportBody): string {
  const { year, month, day } = b.when;
  if (!year) return '';
  if (!month) return year;
  return day ? `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` : `${year}-${month.padStart(2, '0')}`;
}

export function readMessage(text: unknown): { text: string; issues: FieldIssue[] } {
  const t = typeof text === 'string' ? text.replace(/\r\n/g, '\n').trim() : '';
  const issues: FieldIssue[] = [];
  if (t.length < 2) issues.push({ path: ['message'], key: 'intake:errors.message_short' });
  if (t.length > MAX_MESSAGE) issues.push({ path: ['message'], key: 'intake:errors.message_long', values: { max: MAX_MESSAGE } });
  return { text: t.slice(0, MAX_MESSAGE), issues };
}
