/**
 * Reads back what a pdfkit PDF draws, for tests that must not trust the code that wrote it: the
 * text of each text-showing operator (decoded through each font's ToUnicode map when the font is
 * embedded, as Latin-1 for the standard fonts), and the fonts with whether each is embedded.
 */
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  /** The stream, inflated when it was deflated (font files and images are left out). */
  text: string | null;
}

/**
 * The objects of the PDF by number, read in order and each stream skipped by its /Length, so that
 * bytes of an embedded font or image are never searched for text.
 */
function objects(pdf: Buffer): Map<string, PdfObject> {
  const src = pdf.toString('latin1');
  const out = new Map<string, PdfObject>();
  const re = /(\d+) 0 obj/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const start = m.index + m[0].length;
    const end = src.indexOf('endobj', start);
    const st = src.indexOf('stream', start);
    if (end < 0) break;
    if (st < 0 || st > end) {
      out.set(m[1]!, { dict: src.slice(start, end), text: null });
      re.lastIndex = end;
      continue;
    }
    const dict = src.slice(start, st);
    const len = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
    const dataStart = st + 6 + (src[st + 6] === '\r' ? 2 : 1);
    const raw = pdf.subarray(dataStart, dataStart + len);
    let text: string | null = null;
    if (!/\/Length1|\/Subtype \/Image/.test(dict)) {
      try {
        text = (/\/FlateDecode/.test(dict) ? inflateSync(raw) : raw).toString('latin1');
      } catch {
        text = null;
      }
    }
    out.set(m[1]!, { dict, text });
    re.lastIndex = dataStart + len;
  }
  return out;
}

/** glyph code (4 hex digits) -> text, from a ToUnicode CMap with bfrange arrays as pdfkit writes them. */
function cmapOf(body: string): Map<string, string> {
  const map = new Map<string, string>();
  const hexText = (h: string) => {
    const units = h.trim().split(/\s+/).map((u) => parseInt(u, 16));
    return String.fromCharCode(...units);
  };
  for (const m of body.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
    const start = parseInt(m[1]!, 16);
    [...m[3]!.matchAll(/<([0-9a-fA-F ]+)>/g)].forEach((e, i) => map.set((start + i).toString(16).padStart(4, '0'), hexText(e[1]!)));
  }
  return map;
}

interface FontInfo {
  name: string;
  baseFont: string;
  embedded: boolean;
  cmap: Map<string, string> | null;
  /** Advance widths by glyph code (thousandths of the font size), from the descendant font's /W. */
  widths: Map<string, number>;
}

/** pdfkit writes one `/W [0 [w0 w1 …]]` array per embedded font. */
function widthsOf(dict: string): Map<string, number> {
  const out = new Map<string, number>();
  const m = /\/W \[\s*(\d+)\s*\[([^\]]*)\]/.exec(dict);
  if (!m) return out;
  m[2]!
    .trim()
    .split(/\s+/)
    .forEach((w, i) => out.set((Number(m[1]) + i).toString(16).padStart(4, '0'), Number(w)));
  return out;
}

/** The fonts of the PDF by resource name (pdfkit names them F1, F2 … once for the whole document). */
export function pdfFonts(pdf: Buffer): FontInfo[] {
  const objs = objects(pdf);
  const out: FontInfo[] = [];
  const seen = new Set<string>();
  for (const o of objs.values()) {
    for (const m of o.dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const [, name, ref] = m;
      if (seen.has(name!)) continue;
      seen.add(name!);
      const font = objs.get(ref!)?.dict ?? '';
      const baseFont = /\/BaseFont \/([^\s/>]+)/.exec(font)?.[1] ?? '';
      const uni = /\/ToUnicode (\d+) 0 R/.exec(font)?.[1];
      const descendant = /\/DescendantFonts \[(\d+) 0 R\]/.exec(font)?.[1];
      const descriptor = /\/FontDescriptor (\d+) 0 R/.exec(objs.get(descendant ?? '')?.dict ?? font)?.[1];
      const embedded = /\/FontFile[23]? \d+ 0 R/.test(objs.get(descriptor ?? '')?.dict ?? '');
      out.push({ name: name!, baseFont, embedded, cmap: uni ? cmapOf(objs.get(uni)?.text ?? '') : null, widths: widthsOf(objs.get(descendant ?? '')?.dict ?? '') });
    }
  }
  return out;
}

/** The page content streams, inflated, in object order. */
function contentText(pdf: Buffer): string {
  return [...objects(pdf).values()]
    .map((o) => o.text ?? '')
    .filter((t) => /\bBT\b/.test(t))
    .join('\n');
}

/** The text drawn by a pdfkit PDF, one run per text-showing operator in drawing order, with its font. */
export function pdfRunsOf(pdf: Buffer): { text: string; font: string }[] {
  const src = contentText(pdf);
  const fonts = new Map(pdfFonts(pdf).map((f) => [f.name, f]));
  const out: { text: string; font: string }[] = [];
  let current: FontInfo | undefined;
  for (const m of src.matchAll(/\/(F\d+) [\d.]+ Tf|\[((?:<[0-9a-fA-F]*>\s*-?\d*\.?\d*\s*)+)\]\s*TJ/g)) {
    if (m[1]) {
      current = fonts.get(m[1]);
      continue;
    }
    let s = '';
    for (const h of m[2]!.matchAll(/<([0-9a-fA-F]*)>/g)) {
      const hex = h[1]!;
      if (current?.cmap) for (let i = 0; i + 4 <= hex.length; i += 4) s += current.cmap.get(hex.slice(i, i + 4).toLowerCase()) ?? '\uFFFD';
      else s += Buffer.from(hex, 'hex').toString('latin1');
    }
    out.push({ text: s, font: current?.baseFont ?? '' });
  }
  return out;
}

/** The text drawn by a pdfkit PDF, one string per text-showing operator, in drawing order. */
export function pdfTextOf(pdf: Buffer): string[] {
  return pdfRunsOf(pdf).map((r) => r.text);
}

/** Whether the PDF carries a structure tree (tagged for assistive technology). */
export function pdfIsTagged(pdf: Buffer): boolean {
  const dicts = [...objects(pdf).values()].map((o) => o.dict).join('\n');
  return /\/StructTreeRoot \d+ 0 R/.test(dicts) && /\/Marked true/.test(dicts);
}

/**
 * Where each run of text sits across the page: its left edge and its right edge (the advance widths
 * of its glyphs at its font size, with the TJ adjustments), the page's width, and the glyph codes
 * drawn, for tests that text stays inside the page and that no empty box (.notdef, code 0000) is drawn.
 */
export function pdfRunExtents(pdf: Buffer): { text: string; left: number; right: number; pageWidth: number; codes: string[] }[] {
  const pageWidth = Number(/\/MediaBox \[\s*[\d.]+\s+[\d.]+\s+([\d.]+)/.exec(pdf.toString('latin1'))?.[1] ?? 0);
  const fonts = new Map(pdfFonts(pdf).map((f) => [f.name, f]));
  const out: { text: string; left: number; right: number; pageWidth: number; codes: string[] }[] = [];
  let font: FontInfo | undefined;
  let size = 0;
  let x = 0;
  const ops = /[\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ ([\d.-]+) [\d.-]+ Tm|\/(F\d+) ([\d.]+) Tf|\[((?:<[0-9a-fA-F]*>\s*-?\d*\.?\d*\s*)+)\]\s*TJ/g;
  for (const m of contentText(pdf).matchAll(ops)) {
    if (m[1] !== undefined) x = Number(m[1]);
    else if (m[2]) {
      font = fonts.get(m[2]);
      size = Number(m[3]);
    } else {
      let advance = 0;
      let text = '';
      const codes: string[] = [];
      for (const part of m[4]!.matchAll(/<([0-9a-fA-F]*)>\s*(-?\d*\.?\d*)/g)) {
        for (let i = 0; i + 4 <= part[1]!.length; i += 4) {
          const code = part[1]!.slice(i, i + 4).toLowerCase();
          codes.push(code);
          advance += font?.widths.get(code) ?? 0;
          text += font?.cmap?.get(code) ?? '\uFFFD';
        }
        if (part[2]) advance -= Number(part[2]);
      }
      out.push({ text, left: x, right: x + (advance / 1000) * size, pageWidth, codes });
    }
  }
  return out;
}
