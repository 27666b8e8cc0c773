/**
 * A PDF of one language version: title, date, publisher, lead, body (bold and italics kept),
 * the cases cited (public fields only), signatories, press contact, the hero image with its alt
 * text and credit. Tagged for screen readers (a structure tree of headings, paragraphs, lists and
 * a figure; title shown, language set; PDF/UA identification) and drawn with DejaVu Sans
 * embedded, which covers every Latin script (ñ, ő, ł, ș …). Where DejaVu is not installed
 * (Debian: fonts-dejavu-core) it falls back to Helvetica, whose WinAnsi set cannot draw the rest:
 * those characters are replaced rather than drawn as garbage.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { t, type Lang } from '../shared/i18n/index.js';
import { countryName, isCountry } from '../vocab/places.js';
import { readHero } from './hero.image.js';
import { markdownBlocks, type TextRun } from './markdown.render.js';
import type { PublicStatement } from './statements.queries.js';

const winAnsiExtra = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'.split(''));

/**
 * Characters that are not text: C0 and C1 controls (the line feed aside), the soft hyphen,
 * bidirectional embeddings, overrides and isolates, zero-width and other invisible format
 * characters, variation selectors and tag characters. pdfkit draws each as an empty box or not at
 * all, and an override (U+202E) would make a name read other than it is written; none of them is
 * drawn.
 */
const notText = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/** Text as a PDF should draw it: NFC, tabs and line or paragraph separators as spaces, no invisible characters. */
export function pdfText(s: string): string {
  return s.normalize('NFC').replace(/[\t\u2028\u2029]/g, ' ').replace(notText, '');
}

/** Keeps what the standard PDF fonts can draw; the rest becomes "?". */
export function pdfSafe(s: string): string {
  return [...pdfText(s)]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      if (c === 10 || (c >= 32 && c < 127) || (c >= 160 && c <= 255) || winAnsiExtra.has(ch)) return ch;
      if (c === 9) return ' ';
      return '?';
    })
    .join('');
}

export function uiLang(tag: string): Lang {
  return tag.toLowerCase().startsWith('en') ? 'en' : 'es';
}

export function formatDate(d: string | Date, tag: string): string {
  const date = typeof d === 'string' ? new Date(d + (d.length === 10 ? 'T00:00:00Z' : '')) : d;
  try {
    return new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

/** Debian's fonts-dejavu-core. */
export const dejaVuDir = '/usr/share/fonts/truetype/dejavu';
const dejaVu = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italic: 'DejaVuSans-Oblique.ttf', boldItalic: 'DejaVuSans-BoldOblique.ttf' } as const;
type Face = keyof typeof dejaVu;
const helvetica: Record<Face, string> = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique', boldItalic: 'Helvetica-BoldOblique' };

/** Whether the PDF can embed DejaVu (otherwise it falls back to Helvetica). */
export function pdfFontEmbedded(dir = dejaVuDir): boolean {
  return Object.values(dejaVu).every((f) => existsSync(join(dir, f)));
}

const faceOf = (r: { bold: boolean; italic: boolean }): Face => (r.bold ? (r.italic ? 'boldItalic' : 'bold') : r.italic ? 'italic' : 'regular');

export async function statementPdf(st: PublicStatement, dataDir: string, opts: { compress?: boolean; url?: string; fontDir?: string } = {}): Promise<Buffer> {
  const l = uiLang(st.lang);
  const embedded = pdfFontEmbedded(opts.fontDir);
  // A character the face being drawn has no glyph for (an emoji, a script DejaVu lacks) would be
  // an empty box: it becomes "?", as with the standard fonts. pdfkit keeps the face's fontkit font
  // on `_font` once `doc.font()` has chosen it (texts cleaned before that, the document's info, are
  // not drawn).
  let face: () => { hasGlyphForCodePoint?: (c: number) => boolean } | undefined = () => undefined;
  const drawable = (ch: string) => ch === '\n' || (face()?.hasGlyphForCodePoint?.(ch.codePointAt(0)!) ?? true);
  const clean = (s: string) => (embedded ? [...pdfText(s)].map((ch) => (drawable(ch) ? ch : '?')).join('') : pdfSafe(s));
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: opts.compress ?? true,
    pdfVersion: '1.7',
    tagged: true,
    subset: embedded ? 'PDF/UA' : undefined,
    lang: st.lang,
    displayTitle: true,
    info: { Title: clean(st.title), Subject: clean(st.lead.slice(0, 200)), Author: clean(st.coordinator), Creator: 'Atalaya', Producer: 'Atalaya' },
  } as PDFKit.PDFDocumentOptions);
  if (embedded) for (const [face, file] of Object.entries(dejaVu)) doc.registerFont(`Body-${face}`, join(opts.fontDir ?? dejaVuDir, file));
  face = () => (doc as unknown as { _font?: { font?: { hasGlyphForCodePoint?: (c: number) => boolean } } })._font?.font;
  const font = (face: Face) => (embedded ? `Body-${face}` : helvetica[face]);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  const root = doc.struct('Document');
  doc.addStructure(root);
  /** One structure element drawn by `draw` (its content is marked and attached to the tree). */
  const block = (type: string, draw: () => void, options: Record<string, unknown> = {}) => root.add(doc.struct(type, options, draw));
  const line = (type: string, text: string, face: Face, size: number, color = '#111111', gap = 0) =>
    block(type, () => {
      if (gap) doc.moveDown(gap);
      doc.font(font(face)).fontSize(size).fillColor(color).text(clean(text), { width });
    });
  const runs = (rs: TextRun[], size: number, indent = 0) => {
    doc.fontSize(size).fillColor('#111111');
    rs.forEach((r, i) => doc.font(font(faceOf(r))).text(clean(r.text), { width: width - indent, indent: 0, continued: i < rs.length - 1 }));
  };
  const list = (items: { text: string; face?: Face }[], size: number) => {
    const L = doc.struct('L');
    root.add(L);
    for (const it of items) {
      L.add(
        doc.struct('LI', {}, [
          doc.struct('LBody', {}, () => {
            doc.moveDown(0.15).font(font(it.face ?? 'regular')).fontSize(size).fillColor('#111111').text(clean(it.text), { width });
          }),
        ]),
      );
    }
    L.end();
  };

  if (st.countries.length) line('P', st.countries.join(' · '), 'bold', 10, '#7a1f1f');
  line('H1', st.title, 'bold', 20, '#111111', 0.3);
  const date = st.statementDate ?? st.publishedAt.toISOString().slice(0, 10);
  line('P', `${formatDate(date, st.lang)} · ${t(l, 'public:published_by', { name: st.coordinator })}`, 'regular', 10, '#444444', 0.4);
  if (st.status === 'withdrawn') {
    line('P', t(l, 'public:withdrawn_notice', { date: formatDate(st.withdrawnAt ?? st.updatedAt, st.lang) }), 'bold', 11, '#7a1f1f', 0.5);
    if (st.withdrawalNote) line('P', st.withdrawalNote, 'regular', 11, '#7a1f1f');
  }
  const hero = st.hero ? readHero(dataDir, st.hero.key, 800) : null;
  if (hero && st.hero) {
    const h = Math.min(260, (width * st.hero.height) / Math.max(1, st.hero.width));
    block(
      'Figure',
      () => {
        doc.moveDown(0.8);
        doc.image(hero, { fit: [width, h], align: 'center' });
        doc.y += 4;
      },
      { alt: clean(st.heroAlt ?? st.title) },
    );
    if (st.hero.credit) line('Caption', t(l, 'public:photo_credit', { credit: st.hero.credit }), 'italic', 8, '#555555');
  }
  line('P', st.lead, 'bold', 12, '#111111', 0.8);
  for (const b of markdownBlocks(st.body)) {
    if (b.kind === 'li') {
      const L = doc.struct('L');
      root.add(L);
      L.add(doc.struct('LI', {}, [doc.struct('LBody', {}, () => (doc.moveDown(0.3), runs([{ text: '• ', bold: false, italic: false }, ...b.runs], 11)))]));
      L.end();
    } else block(b.kind === 'h' ? 'H2' : b.kind === 'quote' ? 'BlockQuote' : 'P', () => (doc.moveDown(0.6), runs(b.runs, b.kind === 'h' ? 13 : 11)));
  }
  if (st.corrections.length) {
    line('H2', t(l, 'public:corrections'), 'bold', 11, '#111111', 1);
    list(st.corrections.map((c) => ({ text: `${formatDate(c.at, st.lang)}: ${c.note}` })), 10);
  }
  if (st.cases.length) {
    // Only what the public page shows of each case: title, month or year, country.
    line('H2', t(l, 'public:cases'), 'bold', 12, '#111111', 1);
    list(
      st.cases.map((c) => {
        const facts = [c.month, c.country && isCountry(c.country) ? countryName(c.country, l) : null].filter(Boolean).join(', ');
        return { text: facts ? `${c.title} (${facts})` : c.title };
      }),
      10,
    );
  }
  line('H2', t(l, 'public:signatories'), 'bold', 12, '#111111', 1);
  if (st.signatories.length) list(st.signatories.map((text) => ({ text })), 11);
  if (st.individuals > 0) line('P', t(l, 'public:and_individuals', { count: st.individuals }), 'italic', 11, '#111111', 0.3);
  if (st.press.name || st.press.email || st.press.phone) {
    line('H2', t(l, 'public:press_contact'), 'bold', 11, '#111111', 1);
    for (const p of [st.press.name, st.press.email, st.press.phone]) if (p) line('P', p, 'regular', 10);
  }
  if (opts.url) line('P', opts.url, 'regular', 8, '#555555', 1);
  root.end();
  doc.end();
  return done;
}
