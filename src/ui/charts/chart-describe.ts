/**
 * The text alternative of a chart, written from the data in the user's language: what is shown,
 * its range, the largest value, the total, the trend, and what was hidden. It becomes the SVG's
 * <desc> and is returned for the page to show beside the chart.
 */
import { t, type Lang } from '../../shared/i18n/index.js';
import { formatNumber, locale } from './chart-format.js';

/**
 * Least-squares slope of y on x, expressed as the fitted change across the whole span relative to
 * the mean (0.5 = the fitted line ends 50% of the mean above where it starts). Null when there are
 * fewer than three points or the mean is zero.
 */
export function relativeTrend(points: readonly { x: number; y: number }[]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  if (my === 0) return null;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  if (sxx === 0) return null;
  const span = points[n - 1]!.x - points[0]!.x;
  return ((sxy / sxx) * span) / my;
}

/** Below this relative change the trend sentence says "no clear trend" rather than up or down. */
export const trendThreshold = 0.2;

export function trendSentence(lang: Lang, rel: number | null): string {
  if (rel === null) return t(lang, 'charts:desc.trend_none');
  const pct = new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 0 }).format(
    Math.abs(rel),
  );
  if (rel >= trendThreshold) return t(lang, 'charts:desc.trend_up', { pct });
  if (rel <= -trendThreshold) return t(lang, 'charts:desc.trend_down', { pct });
  return t(lang, 'charts:desc.trend_flat');
}

export function suppressedSentence(lang: Lang, count: number, k: number): string {
  return count > 0 ? t(lang, 'charts:desc.suppressed', { count: formatNumber(lang, count), k }) : '';
}

export function joinSentences(parts: readonly string[]): string {
  return parts.filter((p) => p.length > 0).join(' ');
}
