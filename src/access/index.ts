export * from './policies/policy.js';
export { Keyring, normaliseForIndex, loadMasterKey, keyFilePath, type MasterKey } from './crypto/index.js';
export type { Ctx } from './context.js';
