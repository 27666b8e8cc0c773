import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basicContext } from '../page-context.js';
import { renderDocument } from '../render.js';
import { PageTemplates, escapeHtml } from './page-template.js';
import { ReportFormPage } from './report-pages.js';

const org = { slug: 'observatorio', name: 'Observatorio "Sur" & <Norte>', country: 'VE' };
const form = (lang: 'es' | 'en') => (p: { stamp: string; csrf: string }) =>
  renderDocument(<ReportFormPage pc={basicContext(lang, '/report/observatorio', p.csrf)} org={org} stamp={p.stamp} difficulty={16} values={{}} issues={[]} maxFiles={5} maxMb={20} />);

describe('page templates', () => {
  it('a filled copy of the blank form is byte for byte the page a fresh render gives, whatever the values', () => {
    const kept = new PageTemplates(['stamp', 'csrf'] as const);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom('es' as const, 'en' as const), (stamp, csrf, lang) => {
        expect(kept.fill(`form-${lang}`, form(lang), { stamp, csrf })).toBe(form(lang)({ stamp, csrf }));
      }),
      { numRuns: 60 },
    );
  });

  it('renders once per key and keeps keys apart', () => {
    const kept = new PageTemplates(['a'] as const);
    let renders = 0;
    const page = (word: string) => (m: { a: string }) => {
      renders++;
      return `<p title="${m.a}">${word} ${m.a}</p>`;
    };
    expect(kept.fill('one', page('uno'), { a: 'x<' })).toBe('<p title="x&lt;">uno x&lt;</p>');
    expect(kept.fill('one', page('IGNORED'), { a: 'y' })).toBe('<p title="y">uno y</p>');
    expect(kept.fill('two', page('dos'), { a: 'z' })).toBe('<p title="z">dos z</p>');
    expect(renders).toBe(2);
  });

  it('drops what it keeps beyond its bound (a visitor chooses the path, part of the key)', () => {
    const kept = new PageTemplates(['a'] as const, 3);
    let renders = 0;
    const page = (m: { a: string }) => (renders++, m.a);
    for (let i = 0; i < 10; i++) kept.fill(`k${i}`, page, { a: 'v' });
    expect(renders).toBe(10);
    kept.fill('k9', page, { a: 'v' });
    expect(renders).toBe(10);
    kept.fill('k0', page, { a: 'v' });
    expect(renders).toBe(11);
  });

  it('escapes as the page renderer does', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(renderDocument(<i title={s}>{s}</i>)).toBe(`<!doctype html><i title="${escapeHtml(s)}">${escapeHtml(s)}</i>`);
      }),
    );
  });
});
