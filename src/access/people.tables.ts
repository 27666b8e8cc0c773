/** Table types of the people migration (060), added to the Database interface by augmentation. */
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface MemberInvitationTable {
  organisation_id: string;
  id: string;
  email: string;
  role: string;
  invited_user_id: string | null;
  token_hash: Buffer;
  expires_at: Timestamp;
  created_at: Timestamp;
  created_by: string | null;
  accepted_at: Date | null;
  declined_at: Date | null;
  revoked_at: Date | null;
}

declare module '../store/schema.js' {
  interface Database {
    member_invitation: MemberInvitationTable;
  }
}
