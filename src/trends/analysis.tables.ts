/** Table types of the analysis migrations (040–049), added to the store's Database by augmentation. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface PublicReleaseTable {
  id: string;
  table_key: string;
  k: number;
  categories: Json<string[]>;
  published: Json<{ value: number | null; suppressed: boolean }[]>;
  total: number | null;
  released_at: Timestamp;
}

export interface EscalationResultTable {
  organisation_id: string;
  id: string;
  scope_key: string;
  method: string;
  seed: string | number;
  replicates: number;
  input_hash: string;
  result: Json<unknown>;
  computed_at: Timestamp;
}

export interface AlertFollowTable {
  organisation_id: string;
  id: string;
  user_id: string;
  country: string | null;
  act_type: string | null;
  last_checked_at: Timestamp;
  last_change_period: string | null;
  created_at: Timestamp;
}

export interface NotificationTable {
  organisation_id: string;
  id: string;
  user_id: string;
  follow_id: string | null;
  kind: 'new_incident' | 'escalation' | 'new_report';
  payload: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  read_at: Date | null;
  emailed_at: Date | null;
}

declare module '../store/schema.js' {
  interface Database {
    public_release: PublicReleaseTable;
    escalation_result: EscalationResultTable;
    alert_follow: AlertFollowTable;
    notification: NotificationTable;
  }
}
