/**
 * The intake's low-priority process: a real child process at nice 19 doing the real steps, and the
 * fall-back to doing them here when it cannot.
 */
import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { gpsPhoto, hasGps } from '../../test/support/intake.js';
import { LowPriorityProcess, LowPriorityUnavailable, intakeLowPriority, lowPrioritySteps } from './low-priority.js';
import { hashSecret, newReceipt, secretMatches } from './receipt.js';

const started: LowPriorityProcess[] = [];
const make = (opts = { idleMs: 30_000, jobMs: 60_000 }) => {
  const p = new LowPriorityProcess(opts);
  started.push(p);
  return p;
};
afterEach(() => {
  for (const p of started.splice(0)) p.stop();
});

describe('the low-priority process', () => {
  it('hashes and checks receipt codes, interchangeably with this process, at the lowest priority', async () => {
    const p = make();
    const { secret } = newReceipt();
    const there = await p.run<string>({ kind: 'hash', secret });
    expect(there).toMatch(/^\$argon2id\$/);
    expect(await secretMatches(there, secret)).toBe(true);
    expect(await secretMatches(there, `${secret}x`)).toBe(false);
    const here = await hashSecret(secret);
    expect(await p.run<boolean>({ kind: 'verify', stored: here, secret })).toBe(true);
    expect(await p.run<boolean>({ kind: 'verify', stored: here, secret: 'otra cosa' })).toBe(false);
    expect(await p.run<boolean>({ kind: 'verify', stored: 'not a hash', secret })).toBe(false);
    if (process.platform === 'linux') expect(getPriority(p.pid!)).toBe(19);
    expect(p.cpuMs).toBeGreaterThan(0);
  }, 30_000);

  it('makes a photo’s clean copy without GPS; a file that is no image fails as a step, not as the process', async () => {
    const p = make();
    const photo = await gpsPhoto('lp');
    expect(await hasGps(photo)).toBe(true);
    const clean = Buffer.from(await p.run<Uint8Array>({ kind: 'clean', bytes: photo, mediaType: 'image/jpeg' }));
    expect(clean.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(await hasGps(clean)).toBe(false);
    const pid = p.pid;
    const e = await p.run({ kind: 'clean', bytes: Buffer.from('no soy una foto'), mediaType: 'image/jpeg' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(LowPriorityUnavailable);
    expect(p.pid).toBe(pid);
  }, 30_000);

  it('hands waiting steps back when the process dies, and starts another for the next step', async () => {
    const p = make();
    await p.run({ kind: 'hash', secret: 'a' });
    const first = p.pid!;
    const pending = p.run({ kind: 'clean', bytes: await gpsPhoto('dies'), mediaType: 'image/jpeg' }).catch((x: unknown) => x);
    process.kill(first, 'SIGKILL');
    expect(await pending).toBeInstanceOf(LowPriorityUnavailable);
    expect(await p.run<string>({ kind: 'hash', secret: 'b' })).toMatch(/^\$argon2id\$/);
    expect(p.pid).not.toBe(first);
  }, 30_000);

  it('stops when idle, and a step that takes too long is handed back', async () => {
    const p = make({ idleMs: 300, jobMs: 60_000 });
    await p.run({ kind: 'hash', secret: 'a' });
    const pid = p.pid!;
    await new Promise((r) => setTimeout(r, 1500));
    expect(p.pid).toBeNull();
    expect(() => process.kill(pid, 0)).toThrow();
    const slow = make({ idleMs: 30_000, jobMs: 1 });
    await slow.run({ kind: 'hash', secret: 'warm' }).catch(() => undefined);
    expect(await slow.run({ kind: 'hash', secret: 'a' }).catch((x: unknown) => x)).toBeInstanceOf(LowPriorityUnavailable);
  }, 30_000);

  it('the intake’s steps are done here when the process is unavailable', async () => {
    intakeLowPriority.stop();
    const p = intakeLowPriority as unknown as { start: () => Promise<never> };
    const start = p.start;
    p.start = () => Promise.reject(new LowPriorityUnavailable('cannot start'));
    try {
      const { secret } = newReceipt();
      const h = await lowPrioritySteps.hashSecret(secret);
      expect(await lowPrioritySteps.secretMatches(h, secret)).toBe(true);
      expect(await hasGps(await lowPrioritySteps.cleanImage(await gpsPhoto('here'), 'image/jpeg'))).toBe(false);
      expect(intakeLowPriority.pid).toBeNull();
    } finally {
      p.start = start;
    }
  }, 30_000);
});
