/** Row types of the tables, as Kysely sees them (dates as 'YYYY-MM-DD', int8 and numeric as strings). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateStr = string;
export type Precision = 'day' | 'month' | 'year';

/** Columns every tenant-owned record carries. */
export interface TenantRecordColumns {
  organisation_id: string;
  id: string;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface OrganisationTable {
  id: string;
  slug: string;
  name: string;
  country: string | null;
  default_lang: Generated<string>;
  locked_at: Date | null;
  sealed_at: Date | null;
  mfa_relaxed_for_viewers: Generated<boolean>;
  created_at: Timestamp;
  /** Migration 056: archived organisations are closed to sign-in. */
  archived_at: Date | null;
  /** IANA time zone in which the organisation's pages show times (migration 056). */
  time_zone: Generated<string>;
  default_visibility: Generated<'private' | 'public'>;
  languages: ColumnType<string[], string[] | undefined, string[]>;
}

export interface OrganisationKeyTable {
  organisation_id: string;
  purpose: 'data' | 'blind_index';
  key_version: number;
  wrapped: Buffer;
  master_key_id: string;
  created_at: Timestamp;
}

export interface AppUserTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  lang: Generated<string>;
  totp_secret_enc: Buffer | null;
  totp_enabled: Generated<boolean>;
  totp_last_step: string | null;
  recovery_codes: ColumnType<string[], string | undefined, string>;
  disabled_at: Date | null;
  password_changed_at: Timestamp;
  created_at: Timestamp;
  /** Migration 056: creates and archives organisations; holds no membership, reads no records. */
  installation_admin: Generated<boolean>;
  /** Migration 060: a password set by someone else (command line) must be changed at first sign-in. */
  must_change_password: Generated<boolean>;
}

/** 'signatory' (migration 070): a focal point who sees and signs statements and nothing of the cases. */
export type Role = 'admin' | 'documenter' | 'analyst' | 'reviewer' | 'viewer' | 'signatory';

export interface MembershipTable {
  organisation_id: string;
  user_id: string;
  role: Role;
  created_at: Timestamp;
}

export interface CoalitionTable {
  id: string;
  slug: string;
  name: string;
  created_at: Timestamp;
  /** Migration 070: the organisation that created (coordinates) it, who created it, a description. */
  coordinator_org_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  description: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CoalitionMemberTable {
  organisation_id: string;
  coalition_id: string;
  joined_at: Timestamp;
}

export type Visibility = 'private' | 'coalition' | 'public';

export interface IncidentTable extends TenantRecordColumns {
  title: string;
  narrative: string | null;
  narrative_enc: Buffer | null;
  narrative_sensitive: Generated<boolean>;
  start_date: DateStr | null;
  start_precision: Precision | null;
  start_approximate: Generated<boolean>;
  end_date: DateStr | null;
  end_precision: Precision | null;
  end_approximate: Generated<boolean>;
  country: string | null;
  subdivision: string | null;
  place_name: string | null;
  latitude: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  longitude: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  status: string;
  visibility: Generated<Visibility>;
  reprisal: Generated<boolean>;
  reprisal_mechanism: string | null;
  reprisal_reference: string | null;
  language: Generated<string>;
  search: ColumnType<string, never, never>;
}

export type ActorKind = 'person' | 'organisation' | 'group';

export interface ActorTable extends TenantRecordColumns {
  kind: ActorKind;
  name_enc: Buffer;
  name_bidx: Buffer;
  aliases_enc: Buffer | null;
  contact_enc: Buffer | null;
  gender: string | null;
  sectors: ColumnType<string[], string[] | undefined, string[]>;
  affiliation_id: string | null;
  group_size: number | null;
  consent_to_name: Generated<boolean>;
}

export interface ActTable extends TenantRecordColumns {
  incident_id: string;
  victim_id: string;
  act_type: string;
  start_date: DateStr | null;
  start_precision: Precision | null;
  start_approximate: Generated<boolean>;
  end_date: DateStr | null;
  end_precision: Precision | null;
  end_approximate: Generated<boolean>;
  country: string | null;
  subdivision: string | null;
  place_name: string | null;
  victim_status: string | null;
  detention_type: string | null;
  release_date: DateStr | null;
  charges: string | null;
  court: string | null;
  lawyer_access: boolean | null;
  /** Before migration 073 notes were kept in clear; the start-up move (store/clear-text-move) empties it. */
  notes: string | null;
  notes_enc: Buffer | null;
}

export interface InvolvementTable extends TenantRecordColumns {
  act_id: string;
  perpetrator_id: string | null;
  perpetrator_type: string;
  degree: string | null;
  /** Legacy clear column, emptied at start-up since migration 073 (see remarks_enc). */
  remarks: string | null;
  remarks_enc: Buffer | null;
}

export interface SourceTable extends TenantRecordColumns {
  incident_id: string;
  act_id: string | null;
  source_type: string;
  connection: string | null;
  reliability: string | null;
  identity_enc: Buffer | null;
  notes_enc: Buffer | null;
  url: string | null;
  source_date: DateStr | null;
  language: string | null;
}

export interface EvidenceTable extends TenantRecordColumns {
  incident_id: string;
  act_id: string | null;
  storage_key: string;
  sha256: string;
  size_bytes: ColumnType<string, number | string, number | string>;
  media_type: string;
  original_name_enc: Buffer | null;
  /** Legacy clear column, emptied at start-up since migration 073 (see description_enc). */
  description: string | null;
  description_enc: Buffer | null;
  derived_from: string | null;
  derivation: 'metadata_stripped' | null;
}

export interface InterventionTable extends TenantRecordColumns {
  incident_id: string;
  intervention_type: string;
  intervention_date: DateStr | null;
  date_precision: Precision | null;
  by_whom: string | null;
  mechanism: string | null;
  reference: string | null;
  response: string | null;
  response_date: DateStr | null;
  notes: string | null;
}

export interface IncidentLinkTable extends TenantRecordColumns {
  from_incident_id: string;
  to_incident_id: string;
  link_type: string;
  remarks: string | null;
}

export interface RecordShareTable {
  organisation_id: string;
  incident_id: string;
  coalition_id: string;
  fields: string[] | null;
  shared_at: Timestamp;
  shared_by: string | null;
}

export interface RecordHistoryTable {
  organisation_id: string;
  id: string;
  record_table: string;
  record_id: string;
  version: number;
  action: 'create' | 'update' | 'archive' | 'restore';
  reason: string | null;
  changed_at: Timestamp;
  changed_by: string | null;
  /** The version this change superseded; null for a creation (the current version is the live row, migration 081). */
  row_data: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface AuditLogTable {
  organisation_id: string;
  seq: ColumnType<string, number | string, never>;
  at: Timestamp;
  user_id: string | null;
  action: string;
  object_table: string | null;
  object_id: string | null;
  outcome: Generated<string>;
  request_id: string | null;
  client_hash: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  prev_hash: string;
  hash: string;
}

export interface Database extends SessionTables {
  organisation: OrganisationTable;
  organisation_key: OrganisationKeyTable;
  app_user: AppUserTable;
  membership: MembershipTable;
  coalition: CoalitionTable;
  coalition_member: CoalitionMemberTable;
  incident: IncidentTable;
  actor: ActorTable;
  act: ActTable;
  involvement: InvolvementTable;
  source: SourceTable;
  evidence: EvidenceTable;
  intervention: InterventionTable;
  incident_link: IncidentLinkTable;
  record_share: RecordShareTable;
  record_history: RecordHistoryTable;
  audit_log: AuditLogTable;
  incident_word: IncidentWordTable;
}

/** A keyed token of one whole word of an incident's encrypted narrative (migration 066). */
export interface IncidentWordTable {
  organisation_id: string;
  token: Buffer;
  incident_id: string;
}

/** Tables whose rows are versioned records with history. */
export type RecordTable = 'incident' | 'actor' | 'act' | 'involvement' | 'source' | 'evidence' | 'intervention' | 'incident_link';

export interface AppSessionTable {
  id_hash: Buffer;
  user_id: string;
  organisation_id: string | null;
  csrf_token: string;
  mfa_passed: Generated<boolean>;
  lang: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface LoginAttemptTable {
  key_hash: string;
  at: Timestamp;
  success: boolean;
  id: Generated<string>;
}

export interface PasswordResetTable {
  token_hash: Buffer;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Date | null;
}

export interface SessionTables {
  app_session: AppSessionTable;
  login_attempt: LoginAttemptTable;
  password_reset: PasswordResetTable;
}
