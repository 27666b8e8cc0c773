/**
 * Progress of a long command (import, export, backup, restore, link, demo --synthetic) on standard
 * error: a bar with counts, elapsed time and rows per second on a terminal; when not a terminal,
 * nothing unless `--progress` asks for it (then a plain line every few seconds, for logs). Ends
 * with a one-line summary whenever progress is shown.
 */
import { t } from '../shared/i18n/index.js';
import type { CliIO } from './cli-io.js';

export interface Progress {
  /** `total` null when unknown. */
  update(phase: string, done: number, total: number | null): void;
  /** Stops the bar and writes the summary: `count` things in the elapsed time. */
  done(count: number): void;
}

const LINE_EVERY_MS = 5000;

/**
 * `forced`: --progress (lines even when not a terminal). `quiet`: --quiet (nothing at all on
 * standard error, not even the summary; errors still are), which wins over both.
 */
export function progressFor(io: CliIO, forced: boolean, unit = 'rows', quiet = false): Progress {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const rate = (n: number) => Math.round(n / Math.max(seconds(), 0.001));
  const unitText = () => t(io.lang, `cli:progress.unit_${unit}`);
  if (quiet || (!io.tty && !forced)) return { update: () => {}, done: () => {} };
  // -Infinity, not 0: performance.now() counts from the process start, so 0 would hide the first line of a young process.
  let lastLine = -Infinity;
  let drawn = false;
  const write = (line: string, final: boolean) => {
    if (io.tty) {
      process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
      drawn = !final;
    } else io.err(line);
  };
  return {
    update(phase, done, total) {
      const now = performance.now();
      if (!io.tty && now - lastLine < LINE_EVERY_MS) return;
      if (io.tty && now - lastLine < 100) return;
      lastLine = now;
      const counts = total ? `${done}/${Math.max(total, done)}` : String(done);
      write(t(io.lang, 'cli:progress.line', { phase, counts, unit: unitText(), seconds: seconds().toFixed(1), rate: rate(done) }), false);
    },
    done(count) {
      if (drawn) process.stderr.write('\r\x1b[2K');
      io.err(t(io.lang, 'cli:progress.summary', { count, unit: unitText(), seconds: seconds().toFixed(1), rate: rate(count) }));
    },
  };
}

/** The --quiet option every long command takes (next to --progress). */
export const quietOption = { type: 'boolean', default: false, help: 'cli:progress.quiet_help' } as const;
