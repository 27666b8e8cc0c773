import { describe, expect, it } from 'vitest';
import { detectEscalation } from './escalation.stats.js';
import { compareRates } from './rate-comparison.stats.js';
import { describeComparison, describeDispersion, describeEscalation, formatPeriod } from './trends.text.js';

const step = [2, 1, 3, 2, 2, 1, 2, 3, 2, 1, 2, 2, 7, 8, 6, 7, 9, 6, 7, 8, 6, 7, 8, 7];
const series = step.map((count, i) => ({ period: `${2020 + Math.floor((i + 4) / 12)}-${String(((i + 4) % 12) + 1).padStart(2, '0')}`, count }));

describe('sentences in Spanish and English', () => {
  it('formats periods', () => {
    expect(formatPeriod('en', '2020-11')).toBe('November 2020');
    expect(formatPeriod('es', '2020-11')).toBe('noviembre de 2020');
    expect(formatPeriod('en', '2020-W46')).toBe('week 46 of 2020');
    expect(formatPeriod('es', '2020')).toBe('2020');
  });

  it('describes a detected change with its size, start and chance', () => {
    const r = detectEscalation(series, { seed: 1 });
    expect(r.status).toBe('change');
    const en = describeEscalation(r, 'en', { subject: 'Attacks' });
    const es = describeEscalation(r, 'es', { subject: 'Los ataques' });
    expect(en).toMatch(/^Attacks increased from 1\.9 to 7\.2 per month \(×3\.7, 95% CI [\d.]+–[\d.]+\) starting in May 2021/);
    expect(en).toMatch(/by chance in at most 0\.1%/);
    expect(es).toMatch(/^Los ataques aumentaron de 1,9 a 7,2 por mes \(×3,7, IC del 95% [\d,]+–[\d,]+\) a partir de mayo de 2021/);
  });

  it('describes no change and not enough data', () => {
    const flat = detectEscalation(series.map((p) => ({ ...p, count: 4 + (p.period.endsWith('1') ? 1 : 0) })), { seed: 1 });
    expect(describeEscalation(flat, 'en')).toMatch(/^Recorded incidents: no clear change/);
    const none = detectEscalation(series.map((p) => ({ ...p, count: 0 })));
    expect(describeEscalation(none, 'es')).toBe(
      'Los incidentes registrados: no hay datos suficientes para buscar un cambio (ningún hecho en la serie).',
    );
    expect(describeDispersion({ dispersion: 1 }, 'en')).toBe('');
    expect(describeDispersion({ dispersion: 2.4 }, 'es')).toMatch(/2,4 veces/);
  });

  it('describes a comparison of two periods', () => {
    const c = compareRates({ count: 12, exposure: 6, from: '2021-01', to: '2021-06' }, { count: 30, exposure: 6, from: '2022-01', to: '2022-06' });
    expect(describeComparison(c, 'en', 'month')).toMatch(
      /^Recorded incidents: 12 from January 2021 to June 2021 \(2\.0 per month\) and 30 from January 2022 to June 2022 \(5\.0 per month\); the rate changed ×2\.5 \(95% CI [\d.]+–[\d.]+\), a difference of 3\.0 per month .*; p = 0\.00\d\.$/,
    );
    expect(describeComparison(c, 'es', 'month')).toMatch(/la tasa cambió ×2,5/);
  });
});
