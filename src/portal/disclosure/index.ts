/** Disclosure control for everything the public sees (pure functions; see docs/methods/disclosure.md). */
export {
  DEFAULT_K,
  SENSITIVE_K,
  protectTable1D,
  protectTable2D,
  protectSeries,
  publicCells,
  publishedVector,
  structureOf,
  resolveK,
  type DisclosureOptions,
  type Options1D,
  type Table1D,
  type Table2D,
  type Protected1D,
  type Protected2D,
  type ProtectedCell,
  type PublicCell,
  type ProtectedSeriesPoint,
} from './table-protection.sdc.js';
export { auditPublished, isDisclosive, type CellBounds } from './suppression-audit.sdc.js';
export {
  findDifferencingConflicts,
  protectTable1DWithRegister,
  protectTable2DWithRegister,
  type RegisteredRelease,
  type DifferencingConflict,
  type RegisterOutcome,
} from './release-register.sdc.js';
export { mergeSmallCategories, type MergedTable } from './category-merge.sdc.js';
export { generaliseDate, generalisePlace, ageBand, type DateLevel, type PlaceLevel } from './generalisation.sdc.js';
export { enforceKAnonymity, smallGroups, type QuasiRecord } from './k-anonymity.sdc.js';
export { structure1D, structure2D, type LinearTable } from './linear-table.sdc.js';
