import { createHmac } from 'node:crypto';
import type { Ctx, MasterKey } from '../access/index.js';
import type { Config } from '../config/index.js';
import type { ReadRouter } from '../store/index.js';

/** What the web server is built from; tests build the same with a test database. */
export interface Services {
  ctx: Ctx;
  config: Config;
  /** Secret for keyed hashes of client addresses and login-attempt keys (derived from the master key). */
  secret: Buffer;
  engine: 'pglite' | 'postgres';
  /** For secrets that belong to users rather than organisations (TOTP). */
  master: MasterKey;
  /** Read replicas; absent or null: every read goes to the primary. */
  reads?: ReadRouter | null;
}

export function deriveSecret(masterKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', masterKey).update(`atalaya:${purpose}`).digest();
}
