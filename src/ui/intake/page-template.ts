/**
 * Pages rendered once and filled in per request. The blank report form is the page a flood asks
 * for most (every report opens it first), and only two things in it change per request: the stamp
 * and the form token. Rendering it through JSX and i18next costs a few milliseconds on the main
 * thread each time; filling marked places in a kept copy costs microseconds.
 */
import { randomBytes } from 'node:crypto';

/** Escapes as hono/jsx does for text and attribute values, so a filled copy equals a fresh render. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export class PageTemplates<Slot extends string> {
  private kept = new Map<string, { parts: string[]; slots: Slot[] }>();
  /** Random per process: no value a request can carry (a typed field, a header) can forge a mark. */
  private readonly mark = `tpl${randomBytes(12).toString('hex')}`;

  constructor(
    private readonly slots: readonly Slot[],
    /** Kept pages at most (keys include the path, which a visitor chooses): beyond it, all are dropped. */
    private readonly max = 500,
  ) {}

  /**
   * The page for `key`, rendered by `render` the first time with marks in place of the slots' values,
   * then filled with `values` (escaped) on every call.
   */
  fill(key: string, render: (marked: Record<Slot, string>) => string, values: Record<Slot, string>): string {
    let t = this.kept.get(key);
    if (!t) {
      const marked = Object.fromEntries(this.slots.map((s, i) => [s, `${this.mark}${i}x`])) as Record<Slot, string>;
      const found = render(marked).split(new RegExp(`${this.mark}(\\d+)x`));
      // split with a capture group alternates text and slot numbers: [text, n, text, n, text].
      t = { parts: found.filter((_, i) => i % 2 === 0), slots: found.filter((_, i) => i % 2 === 1).map((n) => this.slots[Number(n)]!) };
      if (this.kept.size >= this.max) this.kept.clear();
      this.kept.set(key, t);
    }
    let out = t.parts[0]!;
    for (let i = 0; i < t.slots.length; i++) out += escapeHtml(values[t.slots[i]!]) + t.parts[i + 1]!;
    return out;
  }
}
