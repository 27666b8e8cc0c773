import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHUNK, HEADER_LENGTH, decryptStream, encryptStream } from './evidence.stream.js';

async function collect(src: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of src) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Feeds `data` in pieces of `piece` bytes so chunk boundaries fall anywhere. */
function feed(data: Buffer, piece: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) parts.push(data.subarray(i, i + piece));
  return Readable.from(parts.length ? parts : [Buffer.alloc(0)]);
}

const key = randomBytes(32);
const enc = (data: Buffer, name = 'org/a', piece = 4096) => collect(feed(data, piece).pipe(encryptStream(key, 1, name)));
const dec = (data: Buffer, name = 'org/a', piece = 7000) => collect(feed(data, piece).pipe(decryptStream(() => key, name)));

describe('chunked evidence encryption', () => {
  it('round-trips empty, small, exact-chunk and multi-chunk files', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17]) {
      const data = randomBytes(size);
      const sealed = await enc(data);
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      expect(sealed.length).toBe(HEADER_LENGTH + size + 16 * chunks);
      expect((await dec(sealed)).equals(data)).toBe(true);
    }
  });

  it('round-trips whatever the sizes of the pieces it is fed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * CHUNK }), fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 1, max: 70_000 }), async (size, p1, p2) => {
        const data = randomBytes(size);
        expect((await dec(await enc(data, 'n', p1), 'n', p2)).equals(data)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a flipped byte anywhere in the ciphertext', async () => {
    const data = randomBytes(2 * CHUNK + 100);
    const sealed = await enc(data);
    for (const at of [HEADER_LENGTH, HEADER_LENGTH + 10, HEADER_LENGTH + CHUNK + 20, sealed.length - 1, 8]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      await expect(dec(bad)).rejects.toThrow();
    }
  });

  it('refuses a file truncated at a chunk boundary, reordered chunks, or a file moved to another name', async () => {
    const data = randomBytes(3 * CHUNK + 5);
    const sealed = await enc(data);
    const unit = CHUNK + 16;
    await expect(dec(sealed.subarray(0, HEADER_LENGTH + 2 * unit))).rejects.toThrow();
    await expect(dec(sealed.subarray(0, HEADER_LENGTH))).rejects.toThrow();
    const h = sealed.subarray(0, HEADER_LENGTH);
    const c = (i: number) => sealed.subarray(HEADER_LENGTH + i * unit, HEADER_LENGTH + (i + 1) * unit);
    const swapped = Buffer.concat([h, c(1), c(0), c(2), sealed.subarray(HEADER_LENGTH + 3 * unit)]);
    await expect(dec(swapped)).rejects.toThrow();
    await expect(dec(sealed, 'org/b')).rejects.toThrow();
    expect((await dec(sealed)).equals(data)).toBe(true);
  });
});
