/**
 * The public intake's heavy steps (receipt hash and check, a photo's clean copy) run in a separate
 * process at the lowest CPU priority (nice 19), started when first needed and stopped when idle.
 * On a server with few cores a flood's heavy work otherwise competes with every other page for the
 * CPU; at nice 19 the kernel gives the pages the CPU first and the work of a flood waits, so a
 * reporter waits a little longer under a flood and everyone else does not notice it. If the process
 * cannot be started or dies, the caller does the step here (a report is never lost for it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { imageCleaner } from '../records/image-clean.js';
import type { Job, Reply } from './low-priority.child.js';
import { hashSecret, secretMatches } from './receipt.js';

/** The process could not do the step (not started, died, too slow): do it here instead. */
export class LowPriorityUnavailable extends Error {}

function bootScript(): string {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const target = new URL(`./low-priority.child${ext}`, here).href;
  // The priority is lowered first: threads started afterwards (libuv's pool, where Argon2 and
  // sharp run, and libvips' own) inherit it, while the setting applies only to existing threads.
  const lines = [`import { setPriority } from 'node:os';`, `try { setPriority(19); } catch {}`];
  if (ext === '.ts') {
    // No build step: the sources are TypeScript run through tsx, whose hooks a new process lacks.
    const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    lines.push(`const { register } = await import(${JSON.stringify(tsxApi)});`, `register();`);
  }
  lines.push(`await import(${JSON.stringify(target)});`);
  return lines.join('\n');
}

export class LowPriorityProcess {
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private next = 1;
  private idle: NodeJS.Timeout | null = null;
  private pastCpuMs = 0;
  private childCpuMs = 0;

  constructor(
    private readonly opts: { idleMs: number; jobMs: number } = { idleMs: 120_000, jobMs: 60_000 },
  ) {}

  /** CPU milliseconds the process (and those before it) have used: the bench adds it to the server's. */
  get cpuMs(): number {
    return this.pastCpuMs + this.childCpuMs;
  }

  /** The running process's id, if one runs (tests look at its priority). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  run<T>(job: Job): Promise<T> {
    return this.start().then(
      (child) =>
        new Promise<T>((resolve, reject) => {
          const id = this.next++;
          const timer = setTimeout(() => this.fail(child, new LowPriorityUnavailable('step took too long')), this.opts.jobMs);
          this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
          this.busy(child);
          child.send({ id, job }, (e) => e && this.fail(child, new LowPriorityUnavailable(e.message)));
        }),
    );
  }

  /** Stops the process (the app closes); the next step starts another. */
  stop(): void {
    if (this.child) this.fail(this.child, new LowPriorityUnavailable('stopped'));
  }

  private start(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    this.starting ??= new Promise<ChildProcess>((resolve, reject) => {
      let child: ChildProcess;
      try {
        // Nothing of it reaches a log: no output is kept (it handles reporters' secrets and files).
        child = spawn(process.execPath, ['--input-type=module', '-e', bootScript()], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
      } catch (e) {
        this.starting = null;
        return reject(new LowPriorityUnavailable(String(e)));
      }
      const early = (e?: unknown) => {
        clearTimeout(slow);
        this.starting = null;
        if (child.exitCode === null && child.signalCode === null) child.kill();
        reject(new LowPriorityUnavailable(`could not start: ${String(e ?? 'exited')}`));
      };
      // A start that hangs must not hold reports: they are then done here.
      const slow = setTimeout(() => early('too slow'), this.opts.jobMs);
      child.once('error', early);
      child.once('exit', early);
      child.on('message', (m: Reply) => {
        this.childCpuMs = m.cpuMs;
        if (m.id === 0) {
          clearTimeout(slow);
          child.off('error', early);
          child.off('exit', early);
          child.on('exit', () => this.fail(child, new LowPriorityUnavailable('exited')));
          child.on('error', (e) => this.fail(child, new LowPriorityUnavailable(e.message)));
          this.child = child;
          this.starting = null;
          this.rest(child);
          return resolve(child);
        }
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        clearTimeout(w.timer);
        if (m.ok) w.resolve(m.value);
        else w.reject(new Error(m.error));
        if (!this.waiting.size) this.rest(child);
      });
    });
    return this.starting;
  }

  /** Working: the process keeps this one alive and is not stopped for idleness. */
  private busy(child: ChildProcess): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    child.ref();
    child.channel?.ref();
  }

  /** Idle: it does not keep this process alive, and stops after a while without work. */
  private rest(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.fail(child, new LowPriorityUnavailable('idle')), this.opts.idleMs);
    this.idle.unref();
  }

  /** Ends the process and hands its waiting steps back to their callers. */
  private fail(child: ChildProcess, e: LowPriorityUnavailable): void {
    if (this.child === child) {
      this.child = null;
      this.pastCpuMs += this.childCpuMs;
      this.childCpuMs = 0;
    }
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      this.waiting.delete(id);
      w.reject(e);
    }
    child.removeAllListeners('exit');
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

export const intakeLowPriority = new LowPriorityProcess();

async function thereOrHere<T>(there: () => Promise<T>, here: () => Promise<T>): Promise<T> {
  try {
    return await there();
  } catch (e) {
    if (e instanceof LowPriorityUnavailable) return here();
    throw e;
  }
}

/** The intake's heavy steps: in the low-priority process, else here. */
export const lowPrioritySteps = {
  hashSecret: (secret: string): Promise<string> => thereOrHere(() => intakeLowPriority.run<string>({ kind: 'hash', secret }), () => hashSecret(secret)),
  secretMatches: (stored: string, secret: string): Promise<boolean> =>
    thereOrHere(() => intakeLowPriority.run<boolean>({ kind: 'verify', stored, secret }), () => secretMatches(stored, secret)),
  cleanImage: (plain: Buffer, mediaType: string): Promise<Buffer> =>
    thereOrHere(
      async () => {
        const b = await intakeLowPriority.run<Uint8Array>({ kind: 'clean', bytes: plain, mediaType });
        return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      },
      async () => (await imageCleaner(mediaType, plain)).toBuffer(),
    ),
};
