export { openDatabase, ensureWritableDir, type DB, type DatabaseHandle, type Engine } from './db.js';
export { secureDataFolder, looseModes, acquireFolderLock, processStartTime } from './data-folder.js';
export { migrate, pendingMigrations, listMigrations } from './migrate.js';
export { appendAudit, verifyAudit, auditHead, SYSTEM_ORG, type AuditEntry, type AuditProblem } from './audit.js';
export { inTransaction, setScope, systemScope, userScope, publicScope, type Scope } from './tx.js';
export { canonicalJson } from './canonical-json.js';
export type * from './schema.js';
export { bulkPossible, withBulkLoad } from './bulk-load.js';
