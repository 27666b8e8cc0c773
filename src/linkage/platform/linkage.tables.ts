/** Row types of the linkage and estimation tables (migration 050), added to the store's Database. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface LinkageRunTable {
  organisation_id: string;
  id: string;
  config: Json<unknown>;
  engine_version: string;
  input_hash: string;
  record_count: number;
  organisation_count: number;
  names_compared: number;
  candidate_pairs: ColumnType<string, number, number>;
  em_iterations: number;
  pairs_above: number;
  cluster_count: number;
  figures: Json<unknown>;
  created_at: Timestamp;
  created_by: string | null;
}

export interface LinkageRecordTable {
  organisation_id: string;
  run_id: string;
  idx: number;
  member_organisation_id: string;
  act_id: string;
  incident_id: string;
  act_date: string | null;
  act_type: string;
  subdivision: string | null;
}

export interface LinkagePairTable {
  organisation_id: string;
  run_id: string;
  left_idx: number;
  right_idx: number;
  match_weight: number;
  match_probability: number;
  explanation: Json<unknown>;
}

export type ClusterStatus = 'proposed' | 'confirmed' | 'split';

export interface LinkageClusterTable {
  organisation_id: string;
  id: string;
  run_id: string;
  status: Generated<ClusterStatus>;
  min_probability: number;
  version: Generated<number>;
  reviewed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reviewed_by: string | null;
}

export interface LinkageClusterMemberTable {
  organisation_id: string;
  cluster_id: string;
  record_idx: number;
  member_organisation_id: string;
  act_id: string;
  excluded: Generated<boolean>;
}

export interface EstimateRunTable {
  organisation_id: string;
  id: string;
  linkage_run_id: string;
  settings: Json<unknown>;
  input_hash: string;
  result: Json<unknown>;
  created_at: Timestamp;
  created_by: string | null;
}

declare module '../../store/schema.js' {
  interface Database {
    linkage_run: LinkageRunTable;
    linkage_record: LinkageRecordTable;
    linkage_pair: LinkagePairTable;
    linkage_cluster: LinkageClusterTable;
    linkage_cluster_member: LinkageClusterMemberTable;
    estimate_run: EstimateRunTable;
  }
}
