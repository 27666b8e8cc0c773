import type { DB } from '../store/db.js';
import type { Keyring } from './crypto/keyring.js';

/** What domain code needs from the running system: the database, the keys and the data folder. */
export interface Ctx {
  db: DB;
  keys: Keyring;
  dataDir: string;
}
