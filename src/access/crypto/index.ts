export { Keyring, normaliseForIndex } from './keyring.js';
export { loadMasterKey, masterKeyId, keyFilePath, type MasterKey } from './master-key.js';
export { seal, open } from './aead.js';
