/**
 * Statement bodies are Markdown written by coordinators and translators, rendered to HTML for the
 * public site. Raw HTML in the source is not trusted: marked turns Markdown into HTML and
 * sanitize-html keeps only an allowlist of tags, attributes and URL schemes, so no script, event
 * handler, style or javascript: link reaches a reader whatever the source contains.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const policy: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'em', 'strong', 'a', 'code', 'pre', 'hr', 'br', 'abbr', 'sup', 'sub'],
  allowedAttributes: { a: ['href', 'title', 'hreflang', 'rel'], abbr: ['title'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Headings in a body sit under the statement's own h1.
  transformTags: {
    h1: 'h2',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer' } }),
  },
};

/** Markdown to sanitised HTML, safe to insert into a page as is. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source ?? '') as string;
  return sanitizeHtml(html, policy);
}

/** Plain text of a Markdown source (for meta descriptions, feeds and the PDF). */
export function markdownToText(source: string): string {
  const html = sanitizeHtml(marked.parse(source ?? '') as string, { allowedTags: [], allowedAttributes: {} });
  return decodeEntities(html).replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
}

/** Paragraphs of plain text, one per Markdown block (for the PDF). */
export function markdownParagraphs(source: string): string[] {
  const tokens = marked.lexer(source ?? '');
  const out: string[] = [];
  for (const tok of tokens) {
    if (tok.type === 'space') continue;
    if (tok.type === 'list') {
      for (const item of (tok as { items: { text: string }[] }).items) out.push('• ' + markdownToText(item.text));
      continue;
    }
    const text = markdownToText((tok as { raw: string }).raw);
    if (text) out.push(text);
  }
  return out;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** A short description: the first sentence-ish of a text, cut on a word boundary. */
export function excerpt(text: string, max = 180): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const sp = cut.lastIndexOf(' ');
  return (sp > max / 2 ? cut.slice(0, sp) : cut) + '…';
}

/** A run of text with its emphasis, as the PDF draws it. */
export interface TextRun {
  text: string;
  bold: boolean;
  italic: boolean;
}

/** A block of the body for the PDF: a paragraph, a heading, a list item or a quotation. */
export interface TextBlock {
  kind: 'p' | 'h' | 'li' | 'quote';
  runs: TextRun[];
}

interface InlineToken {
  type: string;
  raw?: string;
  text?: string;
  tokens?: InlineToken[];
}

/** Inline tokens to runs: **strong** and *em* (nested either way) kept, everything else as plain text. */
function runsOf(tokens: InlineToken[] | undefined, bold = false, italic = false, out: TextRun[] = []): TextRun[] {
  for (const tok of tokens ?? []) {
    if (tok.type === 'strong') runsOf(tok.tokens, true, italic, out);
    else if (tok.type === 'em') runsOf(tok.tokens, bold, true, out);
    else if (tok.type === 'br') out.push({ text: '\n', bold, italic });
    else if (tok.tokens?.length) runsOf(tok.tokens, bold, italic, out);
    else {
      // Raw HTML is not drawn (as the page drops it); entities are decoded once.
      if (tok.type === 'html') continue;
      const text = decodeEntities(tok.type === 'codespan' ? (tok.text ?? '') : (tok.text ?? tok.raw ?? '')).replace(/\s+/g, ' ');
      if (!text) continue;
      const last = out[out.length - 1];
      if (last && last.bold === bold && last.italic === italic) last.text += text;
      else out.push({ text, bold, italic });
    }
  }
  return out;
}

/** The body as blocks of runs, keeping bold and italics (for the PDF). */
export function markdownBlocks(source: string): TextBlock[] {
  const out: TextBlock[] = [];
  const walk = (tokens: InlineToken[], quote: boolean) => {
    for (const tok of tokens) {
      if (tok.type === 'space' || tok.type === 'hr' || tok.type === 'html') continue;
      if (tok.type === 'list') {
        for (const item of (tok as unknown as { items: { tokens: InlineToken[] }[] }).items) {
          const inner = item.tokens.flatMap((t) => (t.type === 'text' || t.type === 'paragraph' ? (t.tokens ?? [t]) : []));
          const runs = runsOf(inner);
          if (runs.length) out.push({ kind: 'li', runs });
        }
        continue;
      }
      if (tok.type === 'blockquote') {
        walk(tok.tokens ?? [], true);
        continue;
      }
      const runs = runsOf(tok.tokens ?? [{ type: 'text', text: tok.text ?? tok.raw ?? '' }]);
      if (!runs.some((r) => r.text.trim())) continue;
      out.push({ kind: tok.type === 'heading' ? 'h' : quote ? 'quote' : 'p', runs });
    }
  };
  walk(marked.lexer(source ?? '') as unknown as InlineToken[], false);
  return out;
}
