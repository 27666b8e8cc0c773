/** Table types of the coalitions migration (070), added to the Database interface by augmentation. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CoalitionInvitationTable {
  /** The invited organisation (it owns the invitation: it answers). */
  organisation_id: string;
  id: string;
  coalition_id: string;
  invited_by_org: string;
  invited_by: string | null;
  created_at: Timestamp;
  accepted_at: Date | null;
  declined_at: Date | null;
  revoked_at: Date | null;
  answered_by: string | null;
}

export interface CoalitionFocalPointTable {
  organisation_id: string;
  coalition_id: string;
  user_id: string;
  named_by: string | null;
  named_at: Timestamp;
}

export interface InvitationNoticeTable {
  organisation_id: string;
  id: string;
  user_id: string;
  kind: 'statement_invitation' | 'coalition_invitation';
  payload: ColumnType<Record<string, unknown>, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  read_at: Date | null;
  emailed_at: Date | null;
}

declare module '../store/schema.js' {
  interface Database {
    invitation_notice: InvitationNoticeTable;
    coalition_invitation: CoalitionInvitationTable;
    coalition_focal_point: CoalitionFocalPointTable;
  }
}
