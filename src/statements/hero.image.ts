/**
 * Hero images of statements. An upload is accepted only when its magic bytes say JPEG, PNG or
 * WebP (the name and declared type are ignored), then re-encoded by sharp into two JPEG widths:
 * re-encoding drops EXIF, GPS, XMP and ICC data, which can name a photographer or a place, and
 * anything hostile hidden in the original container. Originals are not kept.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type Sharp from 'sharp';
import { AppError } from '../shared/errors.js';
import { newToken } from '../shared/ids.js';

export const heroWidths = [800, 1600] as const;
const accepted = new Set(['image/jpeg', 'image/png', 'image/webp']);
export const MAX_HERO_BYTES = 10 * 1024 * 1024;
/** Pixels decoded at most (~120 MB of RGB): a 10 KB PNG can claim 50,000 × 50,000. */
export const MAX_HERO_PIXELS = 40_000_000;

export function heroDir(dataDir: string): string {
  return join(dataDir, 'statements', 'hero');
}

export function heroPath(dataDir: string, key: string, width: number): string {
  return join(heroDir(dataDir), `${key}-${width}.jpg`);
}

export async function processHeroImage(dataDir: string, bytes: Buffer): Promise<{ key: string; width: number; height: number }> {
  if (bytes.length > MAX_HERO_BYTES) throw new AppError('too_large');
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !accepted.has(type.mime)) {
    throw new AppError('unsupported_media', { issues: [{ path: ['hero'], key: 'statements:errors.hero_type' }] });
  }
  // Loaded on first use: an idle server does not carry the image library (issue 16, memory).
  const { default: sharp } = await import('sharp');
  const broken = () => new AppError('bad_input', { issues: [{ path: ['hero'], key: 'statements:errors.hero_broken' }] });
  let meta: Awaited<ReturnType<ReturnType<typeof Sharp>['metadata']>>;
  try {
    // Only the header is read here: the declared size is judged before a pixel is decoded.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw broken();
  }
  if (!meta.width || !meta.height) throw broken();
  if (meta.width * meta.height > MAX_HERO_PIXELS) {
    throw new AppError('too_large', { issues: [{ path: ['hero'], key: 'statements:errors.hero_too_many_pixels', values: { width: meta.width, height: meta.height, max: MAX_HERO_PIXELS / 1e6 } }] });
  }
  const key = newToken(12).replace(/[^A-Za-z0-9]/g, 'x');
  mkdirSync(heroDir(dataDir), { recursive: true });
  // Both widths are encoded before either is written: a file that fails half-way leaves nothing.
  const outs: { w: number; data: Buffer; width: number; height: number }[] = [];
  try {
    for (const w of heroWidths) {
      const out = await sharp(bytes, { limitInputPixels: MAX_HERO_PIXELS })
        .rotate()
        .resize({ width: w, withoutEnlargement: true })
        .jpeg({ quality: 78, mozjpeg: true, progressive: true })
        .toBuffer({ resolveWithObject: true });
      outs.push({ w, data: out.data, width: out.info.width, height: out.info.height });
    }
  } catch {
    throw broken();
  }
  try {
    for (const o of outs) writeFileSync(heroPath(dataDir, key, o.w), o.data);
  } catch (e) {
    for (const o of outs) rmSync(heroPath(dataDir, key, o.w), { force: true });
    throw e;
  }
  return { key, width: outs[0]!.width, height: outs[0]!.height };
}

export function readHero(dataDir: string, key: string, width: number): Buffer | null {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(key) || !(heroWidths as readonly number[]).includes(width)) return null;
  try {
    return readFileSync(heroPath(dataDir, key, width));
  } catch {
    return null;
  }
}
