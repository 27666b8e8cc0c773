/** What the public sees: published records only, every figure through disclosure control. */
export { listPublicIncidents, type PublicIncident } from './public-incidents.queries.js';
export * from './disclosure/index.js';
export { countryDashboard, releaseTable, alignRelease, type Dashboard, type PublicTable } from './dashboard.queries.js';
