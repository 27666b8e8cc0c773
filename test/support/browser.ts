/**
 * Real Chromium for browser tests (Debian's package or CHROME_PATH). Without a browser the browser
 * suites are skipped with one line saying how to install it — except under CI, where a missing
 * browser is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export function chromePath(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** True when browser tests can run; prints once why not, and fails under CI. */
export function browserAvailable(): boolean {
  const p = chromePath();
  if (p) return true;
  if (process.env.CI === 'true') throw new Error('Chromium not found under CI: .ci/run installs Debian\'s chromium; set CHROME_PATH if it lives elsewhere.');
  console.warn('Browser tests skipped: no Chromium found. Install it with `apt-get install chromium` or set CHROME_PATH.');
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromePath()!,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A signed-in browser's cookies, to open further contexts as that person without signing in again. */
export type SignedIn = Awaited<ReturnType<BrowserContext['storageState']>>;

export async function newContext(browser: Browser, opts: { width?: number; lang?: string; signedIn?: SignedIn } = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: opts.width ?? 1280, height: 900 },
    ...(opts.signedIn ? { storageState: opts.signedIn } : {}),
    locale: opts.lang === 'en' ? 'en-GB' : 'es-VE',
    extraHTTPHeaders: { 'accept-language': opts.lang ?? 'es' },
  });
}

/** Saves a screenshot as a test artefact under artifacts/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(process.cwd(), 'artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Signs in through the real pages: password, then either the second-factor step (with the given
 * secret) or, for a user not yet enrolled, the enrolment page (reads the key shown, confirms a code,
 * continues past the recovery codes). Returns the TOTP secret, to sign in again later.
 */
export async function browserSignIn(page: Page, base: string, creds: { email: string; password: string; totpSecret?: string }): Promise<string> {
  const { totpCode } = await import('./totp.js');
  await page.goto(base + '/login');
  await page.fill('#email', creds.email);
  await page.fill('#password', creds.password);
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  let secret = creds.totpSecret;
  if (new URL(page.url()).pathname === '/account/totp') {
    secret = ((await page.textContent('code.secret')) ?? '').replace(/\s/g, '');
    await page.fill('#code', await totpCode(secret));
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
    await Promise.all([page.waitForLoadState('load'), page.click('main a.button')]);
  } else if (await page.locator('#code').count()) {
    if (!secret) throw new Error('this user has a second factor: pass totpSecret');
    await page.fill('#code', await totpCode(secret));
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  }
  return secret ?? '';
}
