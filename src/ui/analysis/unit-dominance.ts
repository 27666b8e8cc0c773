/**
 * When the unit counted is victims (or acts), one incident with many victims — a group of fifty —
 * can make a series rise or fall on its own. This compares the series with the same records counted
 * as incidents and says so, naming the month where the fewest incidents weigh the most.
 */
import { t, type Lang } from '../../shared/i18n/index.js';
import { relativeTrend, trendThreshold } from '../charts/chart-describe.js';
import { formatNumber, formatPeriod, locale, parsePeriod } from '../charts/chart-format.js';

export interface MonthCount {
  period: string;
  count: number;
}

function monthLabel(lang: Lang, key: string): string {
  const p = parsePeriod(key, 'month');
  return p ? formatPeriod(lang, p, 'month') : key;
}

/** The sentence to add under the chart, or '' when counting incidents tells the same story. */
export function unitDominanceSentence(lang: Lang, unit: 'victims' | 'acts', byUnit: readonly MonthCount[], byIncident: readonly MonthCount[]): string {
  const incidents = new Map(byIncident.map((p) => [p.period, p.count]));
  const trendOf = (s: readonly MonthCount[]) => relativeTrend(s.map((p, x) => ({ x, y: p.count })));
  const unitTrend = trendOf(byUnit);
  if (unitTrend === null || Math.abs(unitTrend) < trendThreshold) return '';
  const incidentTrend = trendOf(byUnit.map((p) => ({ period: p.period, count: incidents.get(p.period) ?? 0 })));
  // The change holds when counted as incidents too (same direction, at least half as strong).
  if (incidentTrend !== null && Math.sign(incidentTrend) === Math.sign(unitTrend) && Math.abs(incidentTrend) >= Math.abs(unitTrend) / 2) return '';
  let worst: { period: string; count: number; incidents: number } | null = null;
  for (const p of byUnit) {
    const n = incidents.get(p.period) ?? 0;
    if (n > 0 && (!worst || p.count - n > worst.count - worst.incidents)) worst = { period: p.period, count: p.count, incidents: n };
  }
  const pct = (x: number | null) => (x === null ? '0 %' : new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 0 }).format(Math.abs(x)));
  const direction = (x: number | null) => (x === null || Math.abs(x) < trendThreshold ? 'flat' : x > 0 ? 'up' : 'down');
  const parts = [
    t(lang, `analysis:dominance.${unit}`, {
      trend: t(lang, `analysis:dominance.trend_${direction(incidentTrend)}`, { pct: pct(incidentTrend) }),
    }),
  ];
  if (worst && worst.count > worst.incidents) {
    parts.push(
      t(lang, worst.incidents === 1 ? `analysis:dominance.one_${unit}` : `analysis:dominance.few_${unit}`, {
        period: monthLabel(lang, worst.period),
        count: formatNumber(lang, worst.count),
        incidents: formatNumber(lang, worst.incidents),
      }),
    );
  }
  return parts.join(' ');
}
