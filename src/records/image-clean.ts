/**
 * The re-encoding that makes an image's clean copy (no EXIF, GPS, XMP or ICC comments), in a module
 * of its own so that a separate low-priority process (the public intake's) can load it without the
 * record modules and their database code.
 */
import type { Sharp } from 'sharp';

const formats: Readonly<Record<string, 'jpeg' | 'png' | 'webp' | 'gif'>> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

export const cleanable = (mediaType: string): boolean => mediaType in formats;

/** A sharp pipeline that writes the clean copy: of `input` when given, else of what is streamed into it. */
export async function imageCleaner(mediaType: string, input?: Buffer): Promise<Sharp> {
  const format = formats[mediaType];
  if (!format) throw new Error(`not an image: ${mediaType}`);
  // sharp (libvips, ~29 MB resident) is loaded when the first image is cleaned, not by every process
  // that imports the record modules (imports, exports, the command line).
  const { default: sharp } = await import('sharp');
  // rotate() applies the EXIF orientation before the metadata is dropped (sharp keeps none by default).
  // sharp refuses an undefined input beside options: a streamed pipeline is made with options only.
  const options = { animated: format === 'gif' || format === 'webp' };
  return (input ? sharp(input, options) : sharp(options)).rotate().toFormat(format);
}
