/**
 * Chunked AEAD for evidence files (a STREAM-like construction). The file is cut into 64 KiB
 * chunks, each sealed with AES-256-GCM under the organisation's data key. The nonce is a random
 * 8-byte prefix (per file) plus a 4-byte chunk counter, and the additional data names the file and
 * says whether the chunk is the last one, so reordered, dropped, duplicated or truncated chunks
 * and files moved to another name or organisation all fail to open.
 *
 * Layout: magic "ATEV" | format 1 (1 byte) | key version (2 bytes BE) | nonce prefix (8 bytes) |
 * chunks (ciphertext ≤ 64 KiB + 16-byte tag each). An empty file is one empty final chunk.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../shared/errors.js';

export const CHUNK = 64 * 1024;
const TAG = 16;
const MAGIC = Buffer.from('ATEV', 'ascii');
const FORMAT = 1;
export const HEADER_LENGTH = MAGIC.length + 1 + 2 + 8;

function nonceFor(prefix: Buffer, counter: number): Buffer {
  if (counter > 0xffffffff) throw new AppError('too_large');
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(counter, 8);
  return n;
}

function aadFor(name: string, final: boolean): Buffer {
  return Buffer.concat([Buffer.from(`atalaya:evidence:${name}:`, 'utf8'), Buffer.from([final ? 1 : 0])]);
}

function sealChunk(key: Buffer, prefix: Buffer, counter: number, name: string, plain: Buffer, final: boolean): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonceFor(prefix, counter));
  c.setAAD(aadFor(name, final));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function openChunk(key: Buffer, prefix: Buffer, counter: number, name: string, sealed: Buffer, final: boolean): Buffer {
  if (sealed.length < TAG) throw new AppError('internal', { message: 'evidence file truncated' });
  const d = createDecipheriv('aes-256-gcm', key, nonceFor(prefix, counter));
  d.setAAD(aadFor(name, final));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
  } catch (e) {
    throw new AppError('internal', { message: 'evidence file altered, truncated or reordered', cause: e });
  }
}

/**
 * Encrypts a byte stream. `name` (organisation and storage key) is authenticated with every chunk.
 * A chunk is sealed only once a byte after it has arrived, so the last one can carry the final flag.
 */
export function encryptStream(key: Buffer, keyVersion: number, name: string): Transform {
  const prefix = randomBytes(8);
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let counter = 0;
  let headerSent = false;
  const header = () => {
    const h = Buffer.alloc(HEADER_LENGTH);
    MAGIC.copy(h, 0);
    h.writeUInt8(FORMAT, 4);
    h.writeUInt16BE(keyVersion, 5);
    prefix.copy(h, 7);
    return h;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!headerSent) {
        this.push(header());
        headerSent = true;
      }
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength > CHUNK) {
        let all = Buffer.concat(pending);
        while (all.length > CHUNK) {
          this.push(sealChunk(key, prefix, counter++, name, all.subarray(0, CHUNK), false));
          all = all.subarray(CHUNK);
        }
        pending = [all];
        pendingLength = all.length;
      }
      cb();
    },
    flush(cb: TransformCallback) {
      if (!headerSent) this.push(header());
      this.push(sealChunk(key, prefix, counter++, name, Buffer.concat(pending), true));
      pending = [];
      cb();
    },
  });
}

/** Reads the key version from a file's header (to pick the right data key before decrypting). */
export function keyVersionOf(header: Buffer): number {
  if (header.length < HEADER_LENGTH || !header.subarray(0, 4).equals(MAGIC) || header.readUInt8(4) !== FORMAT) {
    throw new AppError('internal', { message: 'not an Atalaya evidence file' });
  }
  return header.readUInt16BE(5);
}

/**
 * Decrypts what `encryptStream` wrote. Each chunk is authenticated before any of its bytes are
 * passed on; a chunk is known to be the last one only when the input ends after it.
 */
export function decryptStream(keyFor: (version: number) => Buffer | Promise<Buffer>, name: string): Transform {
  const unit = CHUNK + TAG;
  let buf: Buffer = Buffer.alloc(0);
  let key: Buffer | null = null;
  let prefix: Buffer | null = null;
  let counter = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const go = async () => {
        if (!key) {
          if (buf.length < HEADER_LENGTH) return;
          const version = keyVersionOf(buf);
          prefix = Buffer.from(buf.subarray(7, HEADER_LENGTH));
          key = await keyFor(version);
          buf = buf.subarray(HEADER_LENGTH);
        }
        while (buf.length > unit) {
          this.push(openChunk(key, prefix!, counter++, name, buf.subarray(0, unit), false));
          buf = buf.subarray(unit);
        }
      };
      go().then(() => cb(), (e: unknown) => cb(e as Error));
    },
    flush(cb: TransformCallback) {
      try {
        if (!key || !prefix) throw new AppError('internal', { message: 'evidence file truncated' });
        this.push(openChunk(key, prefix, counter++, name, buf, true));
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}
