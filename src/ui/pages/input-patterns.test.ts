/**
 * Browsers compile an input's `pattern` as `^(?:pattern)$` with the `v` flag, and ignore it (with a
 * console error) when that fails: every pattern in the interface must compile so, and still accept
 * what the field is for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const uiDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsxFiles(p) : p.endsWith('.tsx') ? [p] : [];
  });
}

// JSX string attributes are taken literally (no escapes), as the browser receives them.
const patterns = tsxFiles(uiDir).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bpattern="([^"]*)"/g)].map((m) => ({ file: f.slice(uiDir.length + 1), pattern: m[1]! })));
const asBrowser = (p: string) => new RegExp(`^(?:${p})$`, 'v');

describe('input patterns', () => {
  it('finds the patterns of the interface', () => {
    expect(patterns.length).toBeGreaterThanOrEqual(3);
  });

  it.each(patterns)('$file: $pattern compiles with the v flag', ({ pattern }) => {
    expect(() => asBrowser(pattern)).not.toThrow();
  });

  it('the sign-in code field takes an authenticator code and a recovery code, not other text', () => {
    const p = patterns.find((x) => x.file.endsWith('login.tsx'))!;
    const re = asBrowser(p.pattern);
    expect(re.test('123456')).toBe(true);
    expect(re.test('abcd-efgh-2345')).toBe(true);
    expect(re.test('12 34 56')).toBe(true);
    expect(re.test('12345')).toBe(false);
    expect(re.test('<script>')).toBe(false);
  });
});
