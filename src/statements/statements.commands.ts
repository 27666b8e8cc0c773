/**
 * Writes to joint statements, by stage: drafting, publication, sign-on by invitation and open
 * sign-on. Each command authorises, validates (translated field errors), writes in one transaction
 * together with its statement_event row and its audit entry, and clears the public cache.
 */
export { hashToken, slugify, versionSlug, type MailSettings, logEvent as logStatementEvent, loadOwn as loadOwnStatement } from './statements.shared.js';
export * from './statements.drafting.js';
export * from './statements.publication.js';
export * from './statements.signon.js';
export * from './statements.open-signon.js';
