/**
 * The time statements run on. Publication at the embargo time, sign-on deadlines and link expiry
 * all read `nowFor(ctx)`, so a test can move one server's clock without touching any other.
 */
import type { Ctx } from '../access/index.js';

const clocks = new WeakMap<object, () => Date>();

export function setStatementClock(ctx: Ctx, now: (() => Date) | null): void {
  if (now) clocks.set(ctx, now);
  else clocks.delete(ctx);
}

export function nowFor(ctx: Ctx): Date {
  return clocks.get(ctx)?.() ?? new Date();
}
