/**
 * Hero images of statements. An upload is accepted only when its magic bytes say JPEG, PNG or
 * WebP (the name and declared type are ignored), then re-encoded by sharp into two JPEG widths:
 * re-encoding drops EXIF, GPS, XMP and ICC data, which can name a photographer or a place, and
 * anything hostile hidden in the original container. Originals are not kept.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type Sharp from 'sharp';
import { AppError } from '../shared/errors.js';
import { newToken } from '../shared/ids.js';

export const heroWidths = [800, 1600] as const;
const accepted = new Set(['image/jpeg', 'image/png', 'image/webp']);
export const MAX_HERO_BYTES = 10 * 1024 * 1024;

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
  let meta: Awaited<ReturnType<ReturnType<typeof Sharp>['metadata']>>;
  try {
    meta = await sharp(bytes, { limitInputPixels: 40_000_000 }).metadata();
  } catch {
    throw new AppError('bad_input', { issues: [{ path: ['hero'], key: 'statements:errors.hero_broken' }] });
  }
  if (!meta.width || !meta.height) throw new AppError('bad_input', { issues: [{ path: ['hero'], key: 'statements:errors.hero_broken' }] });
  const key = newToken(12).replace(/[^A-Za-z0-9]/g, 'x');
  mkdirSync(heroDir(dataDir), { recursive: true });
  let size = { width: 0, height: 0 };
  for (const w of heroWidths) {
    const out = await sharp(bytes, { limitInputPixels: 40_000_000 })
      .rotate()
      .resize({ width: w, withoutEnlargement: true })
      .jpeg({ quality: 78, mozjpeg: true, progressive: true })
      .toBuffer({ resolveWithObject: true });
    writeFileSync(heroPath(dataDir, key, w), out.data);
    if (w === heroWidths[0]) size = { width: out.info.width, height: out.info.height };
  }
  return { key, ...size };
}

export function readHero(dataDir: string, key: string, width: number): Buffer | null {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(key) || !(heroWidths as readonly number[]).includes(width)) return null;
  try {
    return readFileSync(heroPath(dataDir, key, width));
  } catch {
    return null;
  }
}
