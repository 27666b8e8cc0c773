/**
 * Issue 19, point 12 — hostile statement PDF content. A title, body and signatory names made of
 * very long words, bidirectional overrides (U+202E), zero-width and control characters, emoji,
 * markdown and HTML meant to run, a body at the size limit and thousands of signatories: the PDF
 * is produced in bounded time, every run of text stays between the page's margins, no empty box
 * (.notdef) and no invisible character is drawn, and the file carries nothing that a reader would
 * run (no JavaScript, launch or link action). A body over the limit never reaches the PDF: the
 * statement is refused. Read back by statements.pdf-read.ts, not by the code that wrote it.
 */
import { describe, expect, it } from 'vitest';
import { pdfFontEmbedded, statementPdf, type PublicStatement } from '../../src/statements/index.js';
import { pdfRunExtents } from '../../src/statements/statements.pdf-read.js';
import { versionFields } from '../../src/statements/statements.schema.js';
import { z } from 'zod';

const base: PublicStatement = {
  id: '00000000-0000-4000-8000-000000000001',
  slug: 'hostile',
  status: 'published',
  countries: ['VE'],
  themes: [],
  statementDate: '2021-02-10',
  publishedAt: new Date('2021-02-10T12:00:00Z'),
  updatedAt: new Date('2021-02-10T12:00:00Z'),
  withdrawnAt: null,
  withdrawalNote: null,
  imported: false,
  lang: 'es',
  versionSlug: 'hostile-es',
  title: 'Pronunciamiento',
  lead: 'Entradilla.',
  body: 'Cuerpo.',
  bodyHtml: '',
  heroAlt: null,
  translator: null,
  sourceLang: 'es',
  versions: [],
  hero: null,
  press: { name: null, email: null, phone: null },
  signatories: ['Asociación'],
  individuals: 0,
  corrections: [],
  cases: [],
  coordinator: 'Observatorio',
  openSignon: false,
};

const MARGIN = 56;
const invisible = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/u;

async function timed(st: Partial<PublicStatement>, limitMs: number): Promise<Buffer> {
  const t0 = performance.now();
  const pdf = await statementPdf({ ...base, ...st }, '/nonexistent', { url: 'https://atalaya.example.org/statements/hostile-es' });
  expect(performance.now() - t0).toBeLessThan(limitMs);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return pdf;
}

/** Every drawn run inside the margins (half a point of rounding), no .notdef box, no invisible character. */
function expectClean(pdf: Buffer) {
  const runs = pdfRunExtents(pdf);
  expect(runs.length).toBeGreaterThan(3);
  const outside = runs.filter((r) => r.left < MARGIN - 0.5 || r.right > r.pageWidth - MARGIN + 0.5);
  expect(outside.map((r) => `${r.text.slice(0, 40)} ${r.left.toFixed(1)}–${r.right.toFixed(1)}`)).toEqual([]);
  expect(runs.filter((r) => r.codes.includes('0000')).map((r) => r.text)).toEqual([]);
  expect(runs.filter((r) => invisible.test(r.text)).map((r) => JSON.stringify(r.text))).toEqual([]);
  return runs;
}

/** Nothing a PDF reader would run or open by itself. */
function expectInert(pdf: Buffer) {
  const raw = pdf.toString('latin1');
  expect(raw).not.toMatch(/\/(JavaScript|JS|Launch|OpenAction|AA|SubmitForm|ImportData|RichMedia|EmbeddedFile)\b/);
  expect(raw).not.toMatch(/javascript:/i);
}

describe.skipIf(!pdfFontEmbedded())('statement PDF with hostile content', () => {
  it('very long words in the title, body, signatories and press contact wrap inside the margins', async () => {
    const pdf = await timed(
      {
        title: 'W'.repeat(300),
        lead: 'https://example.org/' + 'a/'.repeat(900),
        body: `${'Ñ'.repeat(3000)}\n\n**${'negrita'.repeat(200)}** *${'cursiva'.repeat(200)}*\n\n- ${'m'.repeat(2000)}`,
        signatories: ['S'.repeat(200), 'Asociación ' + 'Ł'.repeat(190)],
        press: { name: 'P'.repeat(200), email: `${'e'.repeat(64)}@${'d'.repeat(63)}.example.org`, phone: '9'.repeat(60) },
        coordinator: 'C'.repeat(200),
      },
      20_000,
    );
    const runs = expectClean(pdf);
    expect(runs.map((r) => r.text).join('')).toContain('W'.repeat(30));
    // The widths are really measured: the long words fill their lines to within a glyph of the margin.
    expect(Math.max(...runs.map((r) => r.right))).toBeGreaterThan(runs[0]!.pageWidth - MARGIN - 20);
  });

  it('control, bidirectional-override and zero-width characters are removed, the letters kept in their order', async () => {
    const pdf = await timed(
      {
        title: 'Informe\u202Efdp.exe\u202C final',
        lead: 'nul\u0000 bel\u0007 esc\u001b[31m rojo\u0008 nel\u0085 fin',
        body: 'cero\u200Banchura\u200D\uFEFF y \u2066aislado\u2069 \u202Bincrustado\u202C\u2028línea',
        signatories: ['Org\u202E anedeb\u202C', 'Zero\u200Bwidth'],
      },
      20_000,
    );
    const text = expectClean(pdf)
      .map((r) => r.text)
      .join('|');
    expect(text).toContain('Informefdp.exe final');
    expect(text).toContain('nul bel esc[31m rojo nel fin');
    expect(text).toContain('ceroanchura y aislado incrustado línea');
    expect(text).toContain('Org anedeb');
  });

  it('emoji and scripts the font cannot draw become "?", never an empty box', async () => {
    const pdf = await timed({ title: 'Marcha ✊🏿 🔥', body: '👨‍👩‍👧 familias 🏳️‍🌈 y 中文 𝕏', signatories: ['Colectiva 🌻'] }, 20_000);
    const text = expectClean(pdf)
      .map((r) => r.text)
      .join('|');
    // The bold face of the title lacks ✊ too; the skin-tone modifier is no letter either.
    expect(text).toContain('Marcha ?? ?');
    expect(text).toContain('??? familias ?? y ??');
    expect(text).toContain('Colectiva ?');
  });

  it('markdown and HTML meant to run are drawn as text or dropped, and the file has no action', async () => {
    const pdf = await timed(
      {
        title: '<script>alert(1)</script>',
        lead: '"><img src=x onerror=alert(2)>',
        body: '[pulse](javascript:alert(3)) <iframe src="javascript:alert(4)"></iframe> **<b>b</b>** <svg onload=alert(5)>\n\n[x](data:text/html,<script>alert(6)</script>)',
        signatories: ['<a href="javascript:alert(7)">Org</a>'],
        press: { name: '<script>alert(8)</script>', email: 'a@example.org', phone: null },
      },
      20_000,
    );
    expectInert(pdf);
    const text = expectClean(pdf)
      .map((r) => r.text)
      .join('|');
    // The title and names are plain text, shown as written.
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('<a href="javascript:alert(7)">Org</a>');
  });

  it('a body at the 100,000-character limit and 5,000 signatories render in bounded time; a 1 MB body is refused before any PDF', async () => {
    const word = 'palabra\u202E ñandú\u200B 🙂 **negrita** ';
    const body = (word.repeat(60) + '\n\n').repeat(Math.floor(100_000 / (word.length * 60 + 2)));
    expect(z.object(versionFields).safeParse({ title: 'Título', body }).success).toBe(true);
    expect(z.object(versionFields).safeParse({ title: 'Título', body: 'x'.repeat(1_000_000) }).success).toBe(false);
    const signatories = Array.from({ length: 5000 }, (_, i) => `Organización ${i} \u202Ede la red\u202C 🙂 ${'Ł'.repeat(i % 150)}`);
    const pdf = await timed({ body, signatories }, 60_000);
    expectInert(pdf);
    const runs = expectClean(pdf);
    expect(runs.some((r) => r.text.includes('Organización 4999'))).toBe(true);
  }, 120_000);
});
