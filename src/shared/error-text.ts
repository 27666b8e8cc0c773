import type { AppError } from './errors.js';
import { t, type Lang } from './i18n/index.js';

/**
 * The headline of an AppError in the user's language: an error whose message is an i18n key
 * ('ns:key') is told by that key; any other by its code. The one place that decides it.
 */
export function errorText(lang: Lang, err: AppError): string {
  return hasMessageKey(err) ? t(lang, err.message, err.values) : t(lang, `errors:${err.code}`, err.values);
}

export function hasMessageKey(err: AppError): boolean {
  return /^[a-z_]+:[a-z_.]+$/.test(err.message);
}
