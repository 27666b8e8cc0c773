/**
 * Issue 19, point 12 — hostile statement cover images: an SVG with a script, a PNG whose header
 * claims 50,000 × 50,000 pixels (a decompression bomb), a JPEG/HTML polyglot, a GIF declared as
 * PNG, and plain text named .jpg. Each is refused with a 4xx (never a 500) and leaves no file, or,
 * for the polyglot, comes out as a plain re-encoded JPEG with nothing of the HTML left.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { heroDir, processHeroImage } from '../../src/statements/hero.image.js';
import { AppError } from '../../src/shared/errors.js';
import { t } from '../../src/shared/i18n/index.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-hero-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = () => {
  try {
    return readdirSync(heroDir(dir));
  } catch {
    return [];
  }
};

/** A valid PNG whose IHDR claims `w` × `h` and whose one IDAT inflates to `rows` rows of zeros. */
function pngClaiming(w: number, h: number, rows: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const t = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(t));
    return Buffer.concat([len, t, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(rows * (w + 1)), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function refusal(bytes: Buffer): Promise<AppError> {
  const before = files().length;
  try {
    await processHeroImage(dir, bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect(files().length).toBe(before);
    return e as AppError;
  }
  throw new Error('accepted');
}

describe('hostile statement cover images', () => {
  it('an SVG with a script is refused as an unsupported type', async () => {
    const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>');
    const e = await refusal(svg);
    expect(e.status).toBe(415);
    expect(e.issues[0]!.key).toBe('statements:errors.hero_type');
  });

  it('a PNG claiming 50,000 × 50,000 pixels is refused in under 2 s, with a 4xx, bounded memory', async () => {
    const bomb = pngClaiming(50_000, 50_000, 20);
    expect(bomb.length).toBeLessThan(10_000);
    const rss = process.memoryUsage.rss();
    const t0 = performance.now();
    const e = await refusal(bomb);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(e.status).toBeLessThan(500);
    expect(e.status).toBe(413);
    expect(e.issues[0]!.key).toBe('statements:errors.hero_too_many_pixels');
    expect(t('en', e.issues[0]!.key, e.issues[0]!.values)).toContain('50000 × 50000 pixels');
    expect(t('es', e.issues[0]!.key, e.issues[0]!.values)).toContain('50000 × 50000 píxeles');
    expect((process.memoryUsage.rss() - rss) / 2 ** 20).toBeLessThan(200);
  });

  it('a PNG whose header is fine but whose pixels are cut short is refused with a 4xx and leaves no file', async () => {
    const cut = pngClaiming(2_000, 2_000, 3);
    const e = await refusal(cut.subarray(0, cut.length - 12));
    expect(e.status).toBe(400);
  });

  it('a GIF declared as image/png and text named .jpg are refused by their bytes', async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer();
    expect((await refusal(gif)).status).toBe(415);
    expect((await refusal(Buffer.from('<html><script>alert(1)</script></html>'))).status).toBe(415);
    expect((await refusal(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3]))).status).toBe(400);
  });

  it('a JPEG/HTML polyglot comes out as a plain re-encoded JPEG with no HTML in it', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#a33' } }).jpeg().toBuffer();
    // HTML in a comment segment right after SOI, and more after EOI.
    const html = Buffer.from('<html><body><script>alert("polyglot")</script></body></html>');
    const com = Buffer.concat([Buffer.from([0xff, 0xfe, (html.length + 2) >> 8, (html.length + 2) & 0xff]), html]);
    const poly = Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2), html]);
    const out = await processHeroImage(dir, poly);
    for (const f of files().filter((n) => n.startsWith(out.key))) {
      const b = readFileSync(join(heroDir(dir), f));
      expect(b.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(b.includes(Buffer.from('<script'))).toBe(false);
      expect(b.includes(Buffer.from('polyglot'))).toBe(false);
    }
  });
});
