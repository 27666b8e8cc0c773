/**
 * Sentences in Spanish and English for the structured results, through the i18n catalogue
 * (namespace `trends`). Numbers and month names use Intl for the language.
 */
import { t, type Lang } from '../../shared/i18n/index.js';
import type { EscalationResult } from './escalation.stats.js';
import type { RateComparison } from './rate-comparison.stats.js';
import { parsePeriod, type Granularity } from './series.schema.js';

const locales: Record<Lang, string> = { es: 'es-VE', en: 'en-GB' };

function num(lang: Lang, x: number, digits = 1): string {
  return new Intl.NumberFormat(locales[lang], { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(x);
}

function percent(lang: Lang, p: number): string {
  const digits = p < 0.01 ? 1 : 0;
  return new Intl.NumberFormat(locales[lang], { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(p);
}

/** "November 2020" / "noviembre de 2020", "week 46 of 2020", "2020". */
export function formatPeriod(lang: Lang, label: string): string {
  const p = parsePeriod(label);
  if (!p) return label;
  if (p.granularity === 'year') return String(p.year);
  if (p.granularity === 'week') return t(lang, 'trends:period.week', { week: p.part, year: p.year });
  return new Intl.DateTimeFormat(locales[lang], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(p.year, (p.part ?? 1) - 1, 15)),
  );
}

function unit(lang: Lang, g: Granularity): string {
  return t(lang, `trends:unit.${g}`);
}

export interface TextOptions {
  /** Translated subject, e.g. "Attacks on journalists"; defaults to "Recorded incidents". */
  subject?: string;
  /** Defaults used for the "not enough data" reasons, when the caller changed them. */
  minPeriods?: number;
  minTotal?: number;
}

function chance(lang: Lang, p: number, replicates: number): string {
  const floor = 1 / (replicates + 1);
  return p <= floor + 1e-12
    ? t(lang, 'trends:escalation.chance_below', { p: percent(lang, floor) })
    : t(lang, 'trends:escalation.chance', { p: percent(lang, p) });
}

export function describeEscalation(r: EscalationResult, lang: Lang, opts: TextOptions = {}): string {
  const subject = opts.subject ?? t(lang, 'trends:subject.default');
  const u = unit(lang, r.granularity);
  if (r.status === 'insufficient_data') {
    const min = r.reason === 'too_few_events' ? (opts.minTotal ?? 10) : (opts.minPeriods ?? 8);
    return t(lang, 'trends:escalation.insufficient', { subject, reason: t(lang, `trends:escalation.reason.${r.reason}`, { min }) });
  }
  if (r.status === 'no_change') {
    return t(lang, 'trends:escalation.no_change', {
      subject,
      rate: num(lang, r.rateOverall),
      unit: u,
      periods: r.periods,
      p: percent(lang, r.pValue ?? 1),
    });
  }
  const level = Math.round(r.confidence * 100);
  const ratio =
    r.rateRatio === null || !r.rateRatioInterval
      ? ''
      : r.rateRatioInterval.upper === null
        ? t(lang, 'trends:escalation.ratio_open', { ratio: num(lang, r.rateRatio), level, lower: num(lang, r.rateRatioInterval.lower) })
        : t(lang, 'trends:escalation.ratio', {
            ratio: num(lang, r.rateRatio),
            level,
            lower: num(lang, r.rateRatioInterval.lower),
            upper: num(lang, r.rateRatioInterval.upper),
          });
  return t(lang, r.rateRatio === null ? 'trends:escalation.change_from_zero' : 'trends:escalation.change', {
    subject,
    verb: t(lang, `trends:escalation.${r.direction ?? 'increase'}`),
    before: num(lang, r.rateBefore ?? 0),
    after: num(lang, r.rateAfter ?? 0),
    unit: u,
    ratio,
    period: formatPeriod(lang, r.changePeriod ?? ''),
    level,
    from: formatPeriod(lang, r.changeInterval?.from ?? ''),
    to: formatPeriod(lang, r.changeInterval?.to ?? ''),
    chance: chance(lang, r.pValue ?? 1, r.replicates),
  });
}

/** Note to show beside a result whose counts are over-dispersed (φ̂ > 1.5), or '' otherwise. */
export function describeDispersion(r: { dispersion: number }, lang: Lang): string {
  return r.dispersion > 1.5 ? t(lang, 'trends:escalation.overdispersion', { phi: num(lang, r.dispersion) }) : '';
}

export function describeComparison(c: RateComparison, lang: Lang, granularity: Granularity, opts: TextOptions = {}): string {
  const subject = opts.subject ?? t(lang, 'trends:subject.default');
  const u = unit(lang, granularity);
  const level = Math.round(c.confidence * 100);
  const p = c.pValue < 0.001 ? `< ${num(lang, 0.001, 3)}` : `= ${num(lang, c.pValue, 3)}`;
  const common = {
    level,
    unit: u,
    diff: num(lang, c.difference),
    diffLower: num(lang, c.differenceInterval[0]),
    diffUpper: num(lang, c.differenceInterval[1]),
    p,
  };
  const change =
    c.rateRatio === null
      ? t(lang, 'trends:comparison.from_zero', common)
      : c.rateRatioInterval.upper === null
        ? t(lang, 'trends:comparison.ratio_open', { ...common, ratio: num(lang, c.rateRatio), lower: num(lang, c.rateRatioInterval.lower) })
        : t(lang, 'trends:comparison.ratio', {
            ...common,
            ratio: num(lang, c.rateRatio),
            lower: num(lang, c.rateRatioInterval.lower),
            upper: num(lang, c.rateRatioInterval.upper),
          });
  return t(lang, 'trends:comparison.sentence', {
    subject,
    countA: c.a.count,
    countB: c.b.count,
    fromA: formatPeriod(lang, c.a.from ?? ''),
    toA: formatPeriod(lang, c.a.to ?? ''),
    fromB: formatPeriod(lang, c.b.from ?? ''),
    toB: formatPeriod(lang, c.b.to ?? ''),
    rateA: num(lang, c.a.rate),
    rateB: num(lang, c.b.rate),
    unit: u,
    change,
  });
}
