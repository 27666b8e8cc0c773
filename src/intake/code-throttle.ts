/**
 * Throttling of receipt codes without identifying anyone: counted per locator (the code's public
 * part, so guessing one report's secret is slowed without knowing who guesses) and over all
 * attempts together (so spraying many locators is slowed too). Kept in memory only; nothing about
 * an attempt is stored or logged.
 */
export interface ThrottleRules {
  /** Wrong secrets for one locator before it is locked. */
  perLocator: number;
  /** Wrong codes of any kind, over all reporters, per minute, before every look-up waits. */
  globalPerMinute: number;
  lockMinutes: number;
}

export const defaultThrottleRules: ThrottleRules = { perLocator: 5, globalPerMinute: 120, lockMinutes: 60 };

export class CodeThrottle {
  private fails = new Map<string, { n: number; until: number }>();
  private window = { start: 0, n: 0 };
  constructor(readonly rules: ThrottleRules = defaultThrottleRules) {}

  /** True when look-ups for this locator (or all look-ups) must be refused for now. */
  blocked(locator: string | null, now = Date.now()): boolean {
    if (now - this.window.start >= 60_000) this.window = { start: now, n: 0 };
    if (this.window.n >= this.rules.globalPerMinute) return true;
    if (!locator) return false;
    const f = this.fails.get(locator);
    return !!f && f.n >= this.rules.perLocator && f.until > now;
  }

  failed(locator: string | null, now = Date.now()): void {
    this.window.n++;
    if (!locator) return;
    if (this.fails.size > 100_000) for (const [k, v] of this.fails) if (v.until <= now) this.fails.delete(k);
    const f = this.fails.get(locator);
    const until = now + this.rules.lockMinutes * 60_000;
    this.fails.set(locator, { n: f && f.until > now ? f.n + 1 : 1, until });
  }

  succeeded(locator: string): void {
    this.fails.delete(locator);
  }
}
