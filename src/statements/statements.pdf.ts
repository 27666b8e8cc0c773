/**
 * A PDF of one language version: title, date, lead, body, signatories, press contact, the hero
 * image with its credit. pdfkit is pure JavaScript; its standard fonts cover Western European
 * scripts (WinAnsi), so characters outside that set are replaced rather than drawn as garbage.
 */
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { t, type Lang } from '../shared/i18n/index.js';
import { readHero } from './hero.image.js';
import { markdownParagraphs } from './markdown.render.js';
import type { PublicStatement } from './statements.queries.js';

const winAnsiExtra = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'.split(''));

/** Keeps what the standard PDF fonts can draw; the rest becomes "?". */
export function pdfSafe(s: string): string {
  return [...s.normalize('NFC')]
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

export async function statementPdf(st: PublicStatement, dataDir: string, opts: { compress?: boolean; url?: string } = {}): Promise<Buffer> {
  const l = uiLang(st.lang);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress: opts.compress ?? true,
    lang: st.lang,
    displayTitle: true,
    info: { Title: pdfSafe(st.title), Subject: pdfSafe(st.lead.slice(0, 200)), Creator: 'Atalaya', Producer: 'Atalaya' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  if (st.countries.length) doc.font('Helvetica-Bold').fontSize(10).fillColor('#7a1f1f').text(pdfSafe(st.countries.join(' · ')));
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(20).fillColor('#111111').text(pdfSafe(st.title), { width });
  const date = st.statementDate ?? st.publishedAt.toISOString().slice(0, 10);
  doc.moveDown(0.4).font('Helvetica').fontSize(10).fillColor('#444444').text(pdfSafe(formatDate(date, st.lang)));
  if (st.status === 'withdrawn') {
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11).fillColor('#7a1f1f').text(pdfSafe(t(l, 'public:withdrawn_notice', { date: formatDate(st.withdrawnAt ?? st.updatedAt, st.lang) })));
    if (st.withdrawalNote) doc.font('Helvetica').text(pdfSafe(st.withdrawalNote));
  }
  const hero = st.hero ? readHero(dataDir, st.hero.key, 800) : null;
  if (hero && st.hero) {
    doc.moveDown(0.8);
    const h = Math.min(260, (width * st.hero.height) / Math.max(1, st.hero.width));
    doc.image(hero, { fit: [width, h], align: 'center' });
    doc.y += 4;
    if (st.hero.credit) doc.font('Helvetica-Oblique').fontSize(8).fillColor('#555555').text(pdfSafe(`${t(l, 'public:photo')}: ${st.hero.credit}`), { width });
  }
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('#111111').text(pdfSafe(st.lead), { width, align: 'left' });
  doc.font('Helvetica').fontSize(11).fillColor('#111111');
  for (const p of markdownParagraphs(st.body)) doc.moveDown(0.6).text(pdfSafe(p), { width, align: 'left' });
  if (st.corrections.length) {
    doc.moveDown(1).font('Helvetica-Bold').fontSize(11).text(pdfSafe(t(l, 'public:corrections')));
    doc.font('Helvetica').fontSize(10);
    for (const c of st.corrections) doc.moveDown(0.2).text(pdfSafe(`${formatDate(c.at, st.lang)}: ${c.note}`), { width });
  }
  doc.moveDown(1).font('Helvetica-Bold').fontSize(12).text(pdfSafe(t(l, 'public:signatories')));
  doc.font('Helvetica').fontSize(11);
  for (const name of st.signatories) doc.moveDown(0.15).text(pdfSafe(name), { width });
  if (st.individuals > 0) doc.moveDown(0.3).font('Helvetica-Oblique').text(pdfSafe(t(l, 'public:and_individuals', { count: st.individuals })));
  if (st.press.name || st.press.email || st.press.phone) {
    doc.moveDown(1).font('Helvetica-Bold').fontSize(11).text(pdfSafe(t(l, 'public:press_contact')));
    doc.font('Helvetica').fontSize(10);
    for (const line of [st.press.name, st.press.email, st.press.phone]) if (line) doc.text(pdfSafe(line));
  }
  if (opts.url) doc.moveDown(1).font('Helvetica').fontSize(8).fillColor('#555555').text(pdfSafe(opts.url));
  doc.end();
  return done;
}

/**
 * The text drawn in an uncompressed PDF made by pdfkit, one string per text object (tests read
 * the PDF back with this instead of trusting the code that wrote it).
 */
export function pdfTextOf(pdf: Buffer): string[] {
  let src = pdf.toString('latin1');
  // Content streams are usually deflated: inflate each one so the text operators can be read.
  src = src.replace(/\/FlateDecode([\s\S]*?)stream\r?\n([\s\S]*?)\r?\nendstream/g, (whole, dict: string, data: string) => {
    try {
      return `${dict}stream\n${inflateSync(Buffer.from(data, 'latin1')).toString('latin1')}\nendstream`;
    } catch {
      return whole;
    }
  });
  const out: string[] = [];
  for (const m of src.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?\d*\.?\d*\s*)+)\]\s*TJ/g)) {
    let s = '';
    for (const h of m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)) s += Buffer.from(h[1]!, 'hex').toString('latin1');
    out.push(s);
  }
  return out;
}
