import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { renderBarChart, type BarChartInput } from './bar.chart.js';
import { toCsv } from './chart-table.js';
import { svgSafetyProblems } from './svg-safety.js';

const acts: BarChartInput['categories'] = [
  { label: 'Detención arbitraria', value: 143 },
  { label: 'Amenazas y hostigamiento', value: 2210 },
  { label: '<script>alert(1)</script>', value: 12 },
  { label: 'Desaparición forzada', value: { value: null, suppressed: true } },
  { label: '=HYPERLINK("http://evil")', value: 40 },
];

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('renderBarChart', () => {
  it('draws an accessible, safe SVG with a description from the data', () => {
    const r = renderBarChart({ lang: 'es', title: 'Actos por tipo', categories: acts });
    expect(r.svg).toMatch(/^<svg\b[^>]*role="img"[^>]*aria-labelledby="[^"]+"/);
    expect(r.svg).toContain('<title id=');
    expect(r.svg).toContain('<desc id=');
    expect(svgSafetyProblems(r.svg)).toEqual([]);
    expect(r.description).toBe(
      // A hidden category is below 5 but not zero: it is never "the lowest" unsaid nor left out of the total unsaid.
      'Actos por tipo: 5 categorías. La mayor es Amenazas y hostigamiento (2.210); las 1 categorías ocultas tienen menos de 5 cada una. ' +
        'Total de los valores mostrados: 2.405; no incluye 1 valores ocultos (cada uno menor que 5).',
    );
    // The description is escaped inside the SVG.
    const named = renderBarChart({ lang: 'es', title: 'Actos por tipo', categories: acts.filter((a) => typeof a.value === 'number') });
    expect(named.description).toContain('la menor, <script>alert(1)</script> (12)');
    expect(named.svg).toContain('la menor, &lt;script&gt;alert(1)&lt;/script&gt; (12)');
  });

  it('escapes hostile category names in the drawing', () => {
    const r = renderBarChart({ lang: 'en', title: 'Acts', categories: acts });
    expect(r.svg).not.toContain('<script');
    expect(texts(r.svg)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps the table equal to the input and shows suppressed cells as "< k", never 0', () => {
    const r = renderBarChart({
      lang: 'en',
      title: 'Acts',
      categories: acts,
      k: 10,
      categoryLabel: 'Act type',
    });
    expect(r.table).toEqual({
      columns: ['Act type', 'Cases'],
      rows: [
        ['Detención arbitraria', 143],
        ['Amenazas y hostigamiento', 2210],
        ['<script>alert(1)</script>', 12],
        ['Desaparición forzada', '< 10'],
        ['=HYPERLINK("http://evil")', 40],
      ],
    });
    expect(texts(r.svg)).toContain('&lt; 10');
    // "0" appears once, as the first tick of the value axis, never as the label of a bar.
    expect(texts(r.svg).filter((t) => t === '0')).toHaveLength(1);
    // Only one bar per shown value: the suppressed category has none.
    const bars = r.svg.match(/fill="#0072B2"/g) ?? [];
    expect(bars).toHaveLength(4);
    expect(toCsv(r.table)).toContain('"\'=HYPERLINK(""http://evil"")",40');
  });

  it('orders by value when asked, suppressed last, ties in input order', () => {
    const r = renderBarChart({
      lang: 'en',
      title: 'Acts',
      order: 'desc',
      categories: [
        { label: 'a', value: 3 },
        { label: 'b', value: { value: null, suppressed: true } },
        { label: 'c', value: 9 },
        { label: 'd', value: 3 },
      ],
    });
    expect(r.table.rows.map((row) => row[0])).toEqual(['c', 'a', 'd', 'b']);
  });

  it('is deterministic', () => {
    const a = renderBarChart({ lang: 'es', title: 'Actos', categories: acts });
    const b = renderBarChart({ lang: 'es', title: 'Actos', categories: acts });
    expect(a).toEqual(b);
  });

  it('rejects bad input, naming each field', () => {
    try {
      renderBarChart({
        lang: 'en',
        title: ' ',
        categories: [
          { label: 'ok', value: Number.NaN },
          { label: '', value: 1 },
        ],
        k: 0,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).issues.map((i) => i.path.join('.'))).toEqual([
        'title',
        'k',
        'categories.0.value',
        'categories.1.label',
      ]);
    }
    expect(() => renderBarChart({ lang: 'en', title: 'x', categories: [] })).toThrow(AppError);
  });

  // The shared attack corpora (shared/attack, beside the repository) are used when present.
  const blns = fileURLToPath(new URL('../../../../shared/attack/blns-github/blns.json', import.meta.url));
  const polyglots = fileURLToPath(
    new URL('../../../../shared/attack/fuzzdb/xss__XSSPolyglot.txt', import.meta.url),
  );
  it.skipIf(!existsSync(blns))(
    'keeps every naughty string and XSS polyglot inert and the SVG well formed',
    async () => {
      const strings = [
        ...(JSON.parse(readFileSync(blns, 'utf8')) as string[]),
        ...(existsSync(polyglots) ? readFileSync(polyglots, 'utf8').split('\n') : []),
      ].filter((s) => s.trim().length > 0);
      expect(strings.length).toBeGreaterThan(400);
      for (let i = 0; i < strings.length; i += 60) {
        const batch = strings.slice(i, i + 60);
        const r = renderBarChart({
          lang: 'en',
          title: batch[0]!,
          categories: batch.map((label, j) => ({
            label,
            value: j % 7 === 0 ? { value: null, suppressed: true } : j,
          })),
          height: 400,
        });
        expect(svgSafetyProblems(r.svg), `batch at ${i}`).toEqual([]);
        expect(r.table.rows.map((row) => row[0])).toEqual(batch);
        // librsvg parses XML strictly: it throws on a file that is not well formed.
        await sharp(Buffer.from(r.svg)).png().toBuffer();
      }
    },
  );
});
