import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { renderBarChart } from './bar.chart.js';
import { toCsv } from './chart-table.js';
import { svgSafetyProblems } from './svg-safety.js';
import { renderTimeSeriesChart, type TimeSeriesInput } from './time-series.chart.js';

const months = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const m = from + i;
    return `${2019 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });

function input(over: Partial<TimeSeriesInput> = {}): TimeSeriesInput {
  const periods = months(0, 24);
  return {
    lang: 'es',
    title: 'Ataques por mes',
    granularity: 'month',
    periods,
    series: [
      {
        name: 'Detención arbitraria',
        values: periods.map((_, i) =>
          i === 4 ? { value: null, suppressed: true } : i === 7 ? null : 10 + i,
        ),
      },
      { name: 'Amenazas', values: periods.map((_, i) => 3 + (i % 4)) },
    ],
    changePoint: { period: '2020-11', before: 12.5, after: 31 },
    ...over,
  };
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('renderTimeSeriesChart', () => {
  it('returns an accessible SVG: role, title and desc tied with aria-labelledby', () => {
    const r = renderTimeSeriesChart(input());
    const root = /^<svg\b[^>]*>/.exec(r.svg)![0];
    expect(root).toContain('role="img"');
    const ids = /aria-labelledby="([^"]+)"/.exec(root)![1]!.split(' ');
    expect(r.svg).toContain(`<title id="${ids[0]}">Ataques por mes</title>`);
    expect(r.svg).toContain(`<desc id="${ids[1]}">`);
    expect(r.title).toBe('Ataques por mes');
    expect(svgSafetyProblems(r.svg)).toEqual([]);
  });

  it('styles text with presentation attributes, which a strict Content-Security-Policy allows', () => {
    const r = renderTimeSeriesChart(input());
    expect(r.svg).not.toMatch(/\sstyle=/);
    expect(r.svg).toMatch(
      /<text [^>]*font-size="16px" font-family="system-ui, [^"]*" font-weight="bold"[^>]*>Ataques por mes</,
    );
  });

  it('describes the data in the user language: range, total, maximum, trend, change and hidden cells', () => {
    const es = renderTimeSeriesChart(input()).description;
    expect(es).toMatch(/serie mensual de ene\.? 2019 a dic\.? 2020 \(24 meses\)/);
    // Total: series 1 is 10+i for i in 0..23 minus i=4 and i=7 (276 - 14 - 17 = 245... computed below).
    const s1 = Array.from({ length: 24 }, (_, i) => (i === 4 || i === 7 ? 0 : 10 + i)).reduce(
      (a, b) => a + b,
      0,
    );
    const s2 = Array.from({ length: 24 }, (_, i) => 3 + (i % 4)).reduce((a, b) => a + b, 0);
    expect(es).toContain(`Total de los valores mostrados: ${s1 + s2}; no incluye 1 valores ocultos (cada uno menor que 5).`);
    expect(es).toMatch(/Máximo: 33 en dic\.? 2020 \(Detención arbitraria\)/);
    expect(es).toContain('al alza');
    expect(es).toMatch(/cambio a partir de nov\.? 2020: la tasa pasa de 12,5 a 31 por mes/);
    expect(es).toContain('menos de 5 casos: 1');
    const en = renderTimeSeriesChart(input({ lang: 'en' })).description;
    expect(en).toContain('monthly series from Jan 2019 to Dec 2020 (24 months)');
    expect(en).toContain('the rate goes from 12.5 to 31 per month');
  });

  it('marks the change point with a labelled line, in both languages', () => {
    expect(texts(renderTimeSeriesChart(input()).svg).some((t) => /^Cambio: nov\.? 2020$/.test(t))).toBe(true);
    expect(texts(renderTimeSeriesChart(input({ lang: 'en' })).svg)).toContain('Change: Nov 2020');
    expect(texts(renderTimeSeriesChart(input({ lang: 'en' })).svg)).toContain('Before: 12.5 per month');
  });

  it('puts the change line between the last bar before the change and the first after it', () => {
    const periods = months(0, 8);
    const r = renderTimeSeriesChart({
      lang: 'en',
      title: 'Bars',
      granularity: 'month',
      kind: 'bar',
      periods,
      series: [{ name: 'Acts', values: [3, 4, 3, 4, 9, 8, 9, 8] }],
      changePoint: { period: periods[4]! },
    });
    const x = Number(/<path d="M([\d.]+) [\d.]+L\1 [\d.]+"[^>]*stroke-dasharray/.exec(r.svg)![1]);
    const bars = [...r.svg.matchAll(/<path d="M([\d.]+) [\d.]+l([\d.]+) 0[^"]*" fill="#0072B2"/g)].map(
      (m) => ({
        left: Number(m[1]),
        right: Number(m[1]) + Number(m[2]),
      }),
    );
    expect(bars).toHaveLength(8);
    expect(x).toBeGreaterThan(bars[3]!.right);
    expect(x).toBeLessThan(bars[4]!.left);
  });

  it('gives the table behind the chart: one row per period, one column per series', () => {
    const r = renderTimeSeriesChart(input({ k: 10 }));
    expect(r.table.columns).toEqual(['Período', 'Detención arbitraria', 'Amenazas']);
    expect(r.table.rows).toHaveLength(24);
    expect(r.table.rows[0]).toEqual(['2019-01', 10, 3]);
    expect(r.table.rows[4]).toEqual(['2019-05', '< 10', 3]);
    expect(r.table.rows[7]).toEqual(['2019-08', '', 6]);
    const given = input();
    r.table.rows.forEach((row, j) => {
      expect(row[0]).toBe(given.periods[j]);
      given.series.forEach((s, i) => {
        const v = s.values[j];
        if (typeof v === 'number') expect(row[i + 1]).toBe(v);
      });
    });
  });

  it('never shows a suppressed cell as zero: a gap in the line and "< k" in the drawing', () => {
    const periods = months(0, 6);
    const r = renderTimeSeriesChart({
      lang: 'en',
      title: 'Only one series',
      granularity: 'month',
      periods,
      series: [{ name: 'Acts', values: [8, 9, { value: 3, suppressed: true }, 7, 9, 8] }],
    });
    expect(r.table.rows[2]).toEqual(['2019-03', '< 5']);
    expect(r.table.rows.flat()).not.toContain(0);
    expect(r.table.rows.flat()).not.toContain(3);
    expect(texts(r.svg)).toContain('&lt; 5');
    // The line is broken at the hidden month: its path has two separate runs (two "M" moves).
    const line = [...r.svg.matchAll(/<path d="(M[^"]*)" fill="none"[^>]*stroke="#0072B2"/g)].map(
      (m) => m[1]!,
    );
    expect(line.some((d) => (d.match(/M/g) ?? []).length === 2)).toBe(true);
    expect(r.description).toContain('fewer than 5 cases: 1');
  });

  it('escapes hostile series names and titles', () => {
    const r = renderTimeSeriesChart(
      input({
        title: '<script>alert(1)</script>',
        series: [
          { name: '<img src=x onerror=alert(1)>', values: Array(24).fill(1) },
          { name: '"><svg onload=alert(1)>', values: Array(24).fill(2) },
        ],
        changePoint: undefined,
      }),
    );
    expect(r.svg).not.toContain('<script');
    expect(r.svg).not.toContain('<img');
    expect(r.svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.svg).not.toMatch(/<svg onload/);
    expect(svgSafetyProblems(r.svg)).toEqual([]);
  });

  it('is deterministic, whatever was rendered before', () => {
    const a = renderTimeSeriesChart(input());
    renderBarChart({ lang: 'es', title: 'x', categories: [{ label: 'a', value: 1 }] });
    renderTimeSeriesChart(input({ kind: 'bar' }));
    const b = renderTimeSeriesChart(input());
    expect(b.svg).toBe(a.svg);
    expect(toCsv(b.table)).toBe(toCsv(a.table));
    // Different data give different ids, so two charts on one page do not share clip paths.
    const other = renderTimeSeriesChart(input({ title: 'Otro' }));
    const id = (svg: string) => /<title id="([^"]+)"/.exec(svg)![1];
    expect(id(other.svg)).not.toBe(id(a.svg));
  });

  it('draws weekly and yearly series, as bars too', () => {
    const w = renderTimeSeriesChart({
      lang: 'en',
      title: 'Weekly',
      granularity: 'week',
      periods: ['2020-W52', '2020-W53', '2021-W01'],
      series: [{ name: 'Acts', values: [1, 2, 3] }],
      kind: 'bar',
    });
    expect(texts(w.svg)).toContain('wk 53, 2020');
    expect(w.description).toContain('weekly series from wk 52, 2020 to wk 1, 2021 (3 weeks)');
    const y = renderTimeSeriesChart({
      lang: 'es',
      title: 'Anual',
      granularity: 'year',
      periods: ['2018', '2019', '2020'],
      series: [{ name: 'Actos', values: [1200, 1500, 900] }],
    });
    expect(texts(y.svg)).toContain('1.500');
  });

  it('handles edge cases: a change at the first period, every value hidden', () => {
    const r = renderTimeSeriesChart({
      lang: 'en',
      title: 'Edge',
      granularity: 'year',
      periods: ['2020', '2021', '2022'],
      series: [
        { name: 'Acts', values: [{ value: null, suppressed: true }, { value: 7, suppressed: true }, null] },
      ],
      changePoint: { period: '2020', after: 4 },
    });
    // Never "no values", "0" or a maximum: the values exist and are hidden.
    expect(r.description).toContain('Every non-zero value is hidden because it stands for fewer than 5 cases (2 values)');
    expect(r.description).not.toMatch(/no values|Total|highest is|Maximum/);
    expect(r.table.rows).toEqual([
      ['2020', '< 5'],
      ['2021', '< 5'],
      ['2022', ''],
    ]);
    expect(r.svg).not.toContain('>7<');
    expect(svgSafetyProblems(r.svg)).toEqual([]);
  });

  it('rejects an empty chart and unusable sizes', () => {
    try {
      renderTimeSeriesChart({
        ...input(),
        periods: [],
        series: [{ name: 'a', values: [] }],
        changePoint: undefined,
        width: 10,
      });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues.map((i) => i.path.join('.'))).toEqual(['periods', 'width']);
    }
  });

  it('rejects bad input with a bad_input error that names each field', () => {
    const bad = () =>
      renderTimeSeriesChart(
        input({
          periods: ['2019-01', '2019-1'],
          series: [{ name: '', values: [1, -2, 3] }],
          changePoint: undefined,
        }),
      );
    expect(bad).toThrow(AppError);
    try {
      bad();
    } catch (e) {
      expect((e as AppError).code).toBe('bad_input');
      expect((e as AppError).issues.map((i) => i.path.join('.'))).toEqual([
        'periods.1',
        'series.0.name',
        'series.0.values',
        'series.0.values.1',
      ]);
    }
    try {
      renderTimeSeriesChart(
        input({
          periods: ['2019-01', '2019-02'],
          series: [{ name: '', values: [1, -2, 3] }],
          changePoint: { period: '2030-01' },
        }),
      );
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues.map((i) => i.path.join('.')).sort()).toEqual(
        ['changePoint.period', 'series.0.name', 'series.0.values', 'series.0.values.1'].sort(),
      );
    }
  });
});
