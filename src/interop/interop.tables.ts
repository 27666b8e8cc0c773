/** Table types of the import tables (migration 030), added to the store's Database by augmentation. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ImportState = 'staging' | 'staged' | 'applying' | 'complete' | 'failed';
export type ImportMode = 'all-or-nothing' | 'valid-rows';

export interface ImportJobTable {
  organisation_id: string;
  id: string;
  dataset: string;
  file_name: string | null;
  file_sha256: string;
  profile: ColumnType<Record<string, unknown>, string, string>;
  mode: ImportMode;
  state: ImportState;
  rows_total: ColumnType<string | null, number | null | undefined, number | null>;
  rows_read: ColumnType<string, number | undefined, number>;
  rows_staged: ColumnType<string, number | undefined, number>;
  rows_rejected: ColumnType<string, number | undefined, number>;
  last_line: ColumnType<string, number | undefined, number>;
  result: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ImportStagingTable {
  organisation_id: string;
  job_id: string;
  line: ColumnType<string, number, number>;
  group_key: string;
  payload: Buffer;
}

export interface ImportKeyTable {
  organisation_id: string;
  dataset: string;
  key_bidx: Buffer;
  incident_id: string;
  content_hash: string;
  job_id: string;
  /** The source's own id, sealed (AAD `import_key.external_id:<key_bidx hex>`); null for content-hash keys. */
  external_id_enc: Buffer | null;
  updated_at: Generated<Date>;
}

declare module '../store/schema.js' {
  interface Database {
    import_job: ImportJobTable;
    import_staging: ImportStagingTable;
    import_key: ImportKeyTable;
  }
}
