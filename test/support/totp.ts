import { generate } from 'otplib';

const lastStep = new Map<string, number>();

/**
 * A TOTP code the server will accept: codes are single-use per 30-second step, and the server
 * accepts one step either side, so successive sign-ins of one user in a test take successive steps
 * (waiting for the clock only when all three are used).
 */
export async function totpCode(secret: string): Promise<string> {
  for (;;) {
    const t = Date.now();
    const now = Math.floor(t / 30_000);
    const prev = lastStep.get(secret) ?? -Infinity;
    // The previous step stops being accepted when the clock turns: near the end of a step, a code
    // for it could be two steps old by the time a loaded server checks it.
    const oldestSafe = t % 30_000 > 25_000 ? now : now - 1;
    for (const step of [now - 1, now, now + 1]) {
      if (step < oldestSafe) continue;
      if (step > prev) {
        lastStep.set(secret, step);
        return generate({ secret, epoch: step * 30 + 1 });
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
