import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/errors.js';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', ATALAYA_MASTER_KEY: 'short' });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('config');
      const paths = isAppError(e) ? e.issues.map((i) => i.path[0]).sort() : [];
      expect(paths).toEqual(['ATALAYA_MASTER_KEY', 'DATABASE_URL', 'PORT']);
    }
  });

  it('reads a master key and a public https URL', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({ ATALAYA_MASTER_KEY: key, ATALAYA_PUBLIC_URL: 'https://atalaya.example.org' });
    expect(c.masterKey?.length).toBe(32);
    expect(c.secureCookies).toBe(true);
  });
});
