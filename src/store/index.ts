export { openDatabase, ensureWritableDir, type DB, type DatabaseHandle, type Engine } from './db.js';
export { migrate, pendingMigrations, listMigrations } from './migrate.js';
export { appendAudit, verifyAudit, auditHead, SYSTEM_ORG, type AuditEntry, type AuditProblem } from './audit.js';
export { inTransaction, setScope, systemScope, userScope, publicScope, type Scope } from './tx.js';
export { canonicalJson } from './canonical-json.js';
export type * from './schema.js';
export { bulkPossible, withBulkLoad } from './bulk-load.js';
export { ReadRouter, parseLsn, formatLsn, type RouterStatus, type ReplicaStatus } from './replicas.js';
export { isConnectionError, parseServerUrl } from './failover-pool.js';
