import { generate } from 'otplib';

const lastStep = new Map<string, number>();

/**
 * A TOTP code the server will accept: codes are single-use per 30-second step, and the server
 * accepts one step either side, so successive sign-ins of one user in a test take successive steps
 * (waiting for the clock only when all three are used).
 */
export async function totpCode(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const prev = lastStep.get(secret) ?? -Infinity;
    for (const step of [now - 1, now, now + 1]) {
      if (step > prev) {
        lastStep.set(secret, step);
        return generate({ secret, epoch: step * 30 + 1 });
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
