/**
 * A check of generated SVG against what Atalaya's charts may contain: only drawing elements, no
 * script, no event handler, no link or reference outside the document, no markup in text. The
 * renderer never produces these; the check guards that promise (tests run it on hostile labels, and
 * a caller may run it before serving an SVG as a download).
 */
const allowedElements = new Set([
  'svg',
  'g',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'title',
  'desc',
  'defs',
  'clipPath',
  'pattern',
  'linearGradient',
  'radialGradient',
  'stop',
]);

const tagPattern = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g;
const attrPattern = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/g;

/** Every problem found, as short English phrases for developers; empty when the SVG is safe. */
export function svgSafetyProblems(svg: string): string[] {
  const problems: string[] = [];
  if (/<!|<\?/.test(svg)) problems.push('declaration, comment, CDATA or processing instruction');
  const text = svg.replace(tagPattern, (_m, _close: string, name: string, attrs: string) => {
    if (!allowedElements.has(name)) problems.push(`element <${name}>`);
    for (const a of attrs.matchAll(attrPattern)) {
      const attr = a[1]!.toLowerCase();
      const value = (a[2] ?? a[3] ?? '').toLowerCase();
      if (attr.startsWith('on')) problems.push(`event attribute ${attr}`);
      if (attr === 'href' || attr.endsWith(':href')) problems.push(`link attribute ${attr}`);
      if (attr === 'style' && /url\(|@import|expression\(/.test(value))
        problems.push('style with a reference');
      if (/javascript:|data:|https?:|\/\//.test(value) && !attr.startsWith('xmlns'))
        problems.push(`URL in ${attr}`);
      for (const u of value.matchAll(/url\(([^)]*)\)/g)) {
        if (!u[1]!.trim().replace(/^['"]/, '').startsWith('#')) problems.push(`external url() in ${attr}`);
      }
    }
    return '';
  });
  if (text.includes('<')) problems.push('markup left in text (unescaped "<")');
  // Characters that XML 1.0 forbids make the whole file unreadable as an image.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(svg))
    problems.push('character not allowed in XML');
  return problems;
}
