/**
 * The statement PDF read back: every Latin script drawn in an embedded DejaVu font (not
 * Helvetica), bold and italics of the body kept (the runs are drawn in the bold and oblique
 * faces), the cases cited listed with their public fields only, and a structure tree with the
 * document's title and language for screen readers.
 */
import { describe, expect, it } from 'vitest';
import { pdfFontEmbedded, pdfFonts, pdfIsTagged, pdfRunsOf, pdfTextOf, statementPdf, type PublicStatement } from './index.js';

const st: PublicStatement = {
  id: '00000000-0000-4000-8000-000000000001',
  slug: 'test',
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
  versionSlug: 'test-es',
  title: 'Pronunciamiento: España, Győr, Łódź, București',
  lead: 'Organizaciones de la región piden la liberación de defensoras en Țara.',
  body: 'El Estado **debe liberar** a las personas *detenidas arbitrariamente* en Señoría.\n\n- Przemysław **Łukasz**\n- Ștefan Kőrösi',
  bodyHtml: '',
  heroAlt: null,
  translator: null,
  sourceLang: 'es',
  versions: [],
  hero: null,
  press: { name: 'Ñandú Prensa', email: 'prensa@example.org', phone: null },
  signatories: ['Asociación Łódź', 'Fundația București'],
  individuals: 0,
  corrections: [],
  cases: [{ title: 'Detención de defensora en Maracay', month: '2021-02', country: 'VE' }],
  coordinator: 'Observatorio Venezolano',
  openSignon: false,
};

describe.skipIf(!pdfFontEmbedded())('statement PDF', () => {
  it('draws every Latin script in an embedded DejaVu font, never Helvetica', async () => {
    const pdf = await statementPdf(st, '/nonexistent');
    const text = pdfTextOf(pdf).join('');
    for (const ch of ['ñ', 'ő', 'ł', 'ș', 'Ł', 'Ș', 'ț']) expect(text).toContain(ch);
    expect(text).toContain('Győr, Łódź, București');
    expect(text).not.toContain('?');
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.baseFont).toMatch(/DejaVuSans/);
      expect(f.embedded).toBe(true);
    }
    expect(fonts.some((f) => /Helvetica/.test(f.baseFont))).toBe(false);
  });

  it('keeps bold and italics of the body', async () => {
    const drawn = pdfRunsOf(await statementPdf(st, '/nonexistent'));
    const faceOf = (needle: string) => drawn.find((r) => r.text.includes(needle))?.font ?? '';
    expect(faceOf('debe liberar')).toMatch(/DejaVuSans-Bold$/);
    expect(faceOf('detenidas arbitrariamente')).toMatch(/DejaVuSans-Oblique$/);
    expect(faceOf('El Estado')).toMatch(/DejaVuSans$/);
    expect(faceOf('Łukasz')).toMatch(/DejaVuSans-Bold$/);
  });

  it('lists the cases cited with their public fields, and names the publisher', async () => {
    const text = pdfTextOf(await statementPdf(st, '/nonexistent')).join('\n');
    expect(text).toContain('Casos citados');
    expect(text).toContain('Detención de defensora en Maracay (2021-02, Venezuela)');
    expect(text).toContain('Publica: Observatorio Venezolano');
  });

  it('is tagged for screen readers: structure tree, headings, lists, title shown and language set', async () => {
    const pdf = await statementPdf(st, '/nonexistent', { compress: false });
    expect(pdfIsTagged(pdf)).toBe(true);
    const src = pdf.toString('latin1');
    expect(src).toMatch(/\/StructTreeRoot \d+ 0 R/);
    for (const tag of ['Document', 'H1', 'H2', 'P', 'L', 'LI', 'LBody']) expect(src).toContain(`/S /${tag}`);
    expect(src).toMatch(/\/Lang \(es\)/);
    expect(src).toMatch(/\/DisplayDocTitle true/);
    expect(src).toContain('pdfuaid:part');
  });
});
