import type { Generated } from "kysely";
import type { MeetingTables } from "./meetingsMigration.ts";
import type { MinutesTables } from "./minutesMigration.ts";

/** Table types of the metadata and document database (SQLite now, PostgreSQL later). */
export interface Database extends MeetingTables, MinutesTables {
  /** `email_domain`: the domain the founder proved, whose confirmed addresses join this organisation; '' when none. */
  orgs: { id: string; name: string; created_at: string; allow_external: Generated<number>; email_domain: Generated<string> };
  /** `email` is unique among confirmed accounts only (`email_verified_at` set). */
  users: {
    id: string;
    org_id: string;
    name: string;
    email: string;
    password_hash: string;
    color: string;
    is_org_admin: number;
    created_at: string;
    email_verified_at: string | null;
  };
  /** Pending confirmations of an address: a new account, or (`user_id`) an existing unconfirmed one. */
  email_verifications: {
    token_hash: string;
    email: string;
    name: string;
    company: string;
    password_hash: string;
    user_id: string | null;
    created_at: string;
    expires_at: string;
  };
  org_invites: {
    id: string;
    org_id: string;
    token_hash: string;
    created_by: string;
    created_at: string;
    expires_at: string;
    max_uses: number | null;
    uses: Generated<number>;
    revoked_at: string | null;
  };
  sessions: { id_hash: string; user_id: string; created_at: string; expires_at: string };
  documents: { id: string; title: string; owner_id: string; org_id: string; created_at: string; updated_at: string };
  document_members: { doc_id: string; user_id: string; role: string; created_at: string };
  doc_updates: { id: Generated<number>; doc_id: string; data: Uint8Array };
  /** `upto_id`: the highest log id the snapshot covers (0030_snapshot_fence); a bigint on PostgreSQL, read as a string there. */
  doc_snapshots: { doc_id: string; data: Uint8Array; updated_at: string; upto_id: Generated<number | string> };
  invites: {
    id: string;
    doc_id: string;
    token_hash: string;
    role: string;
    created_by: string;
    created_at: string;
    expires_at: string;
    max_uses: number | null;
    uses: Generated<number>;
    revoked_at: string | null;
  };
  activity: {
    id: Generated<number>;
    doc_id: string;
    actor_id: string;
    action: string;
    target_user_id: string | null;
    invite_id: string | null;
    detail: string;
    created_at: string;
  };
}
