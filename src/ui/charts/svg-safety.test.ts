import { describe, expect, it } from 'vitest';
import { svgSafetyProblems } from './svg-safety.js';

const wrap = (inner: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img"><title>t</title>${inner}</svg>`;

describe('svgSafetyProblems', () => {
  it('accepts a plain drawing with internal references', () => {
    expect(
      svgSafetyProblems(
        wrap(
          '<defs><pattern id="p"><path d="M0 0"></path></pattern></defs><path fill="url(#p)" d="M0 0L1 1"></path><text>a &lt;b&gt;</text>',
        ),
      ),
    ).toEqual([]);
  });

  it.each([
    ['<script>alert(1)</script>', 'element <script>'],
    ['<g onload="alert(1)"></g>', 'event attribute onload'],
    ['<image href="http://evil/x.png"></image>', 'element <image>'],
    ['<a xlink:href="javascript:alert(1)"><text>x</text></a>', 'element <a>'],
    ['<use href="#x"></use>', 'link attribute href'],
    ['<path fill="url(http://evil/p)"></path>', 'external url() in fill'],
    ['<path style="fill:url(https://evil/p)"></path>', 'style with a reference'],
    ['<foreignObject><div>x</div></foreignObject>', 'element <foreignObject>'],
    ['<!-- c -->', 'declaration, comment, CDATA or processing instruction'],
    ['<text>a < b</text>', 'markup left in text (unescaped "<")'],
    ['<text>\u0001</text>', 'character not allowed in XML'],
  ])('flags %s', (inner, problem) => {
    expect(svgSafetyProblems(wrap(inner))).toContain(problem);
  });
});
