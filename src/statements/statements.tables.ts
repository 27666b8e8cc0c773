/** Table types of the statements migration (020), added to the Database interface by augmentation. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTs = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type StatementStatus = 'draft' | 'open' | 'scheduled' | 'published' | 'corrected' | 'withdrawn';
export type SignatoryStatus = 'invited' | 'opened' | 'signed' | 'declined' | 'withdrawn' | 'unconfirmed' | 'pending' | 'rejected';

export interface StatementTable {
  organisation_id: string;
  id: string;
  version: Generated<number>;
  slug: string;
  status: Generated<StatementStatus>;
  source_lang: string;
  countries: Generated<string[]>;
  themes: Generated<string[]>;
  statement_date: string | null;
  embargo_until: NullableTs;
  published_at: NullableTs;
  sign_deadline: NullableTs;
  open_signon: Generated<boolean>;
  signatory_order: Generated<'alpha' | 'manual'>;
  hero_key: string | null;
  hero_width: number | null;
  hero_height: number | null;
  hero_credit: string | null;
  press_name: string | null;
  press_email: string | null;
  press_phone: string | null;
  withdrawn_at: NullableTs;
  withdrawal_note: string | null;
  imported: Generated<boolean>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
  archived_at: NullableTs;
}

export interface StatementVersionTable {
  organisation_id: string;
  statement_id: string;
  lang: string;
  slug: string;
  title: string;
  lead: Generated<string>;
  body: Generated<string>;
  hero_alt: string | null;
  translator: string | null;
  revision: Generated<number>;
  source_revision: number | null;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface StatementIncidentTable {
  organisation_id: string;
  statement_id: string;
  incident_id: string;
}

export interface StatementSignatoryTable {
  organisation_id: string;
  id: string;
  statement_id: string;
  kind: 'organisation' | 'individual';
  invited_org_id: string | null;
  email_enc: Buffer | null;
  invite_lang: Generated<string>;
  status: SignatoryStatus;
  token_hash: Buffer | null;
  token_expires_at: NullableTs;
  token_used_at: NullableTs;
  withdraw_token_hash: Buffer | null;
  display_names: Json<Record<string, string>>;
  signer_name_enc: Buffer | null;
  authority_confirmed: Generated<boolean>;
  sort_key: number | null;
  opened_at: NullableTs;
  signed_at: NullableTs;
  declined_at: NullableTs;
  withdrawn_at: NullableTs;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
}

export interface StatementCorrectionTable {
  organisation_id: string;
  id: string;
  statement_id: string;
  corrected_at: Timestamp;
  notes: Json<Record<string, string>>;
  created_by: string | null;
}

export interface StatementEventTable {
  organisation_id: string;
  id: string;
  statement_id: string;
  at: Timestamp;
  by_user: string | null;
  event: string;
  from_status: string | null;
  to_status: string | null;
  detail: Json<Record<string, unknown>>;
}

declare module '../store/schema.js' {
  interface Database {
    statement: StatementTable;
    statement_version: StatementVersionTable;
    statement_incident: StatementIncidentTable;
    statement_signatory: StatementSignatoryTable;
    statement_correction: StatementCorrectionTable;
    statement_event: StatementEventTable;
  }
}
