export { listPublicIncidents, type PublicIncident } from './public-incidents.queries.js';
