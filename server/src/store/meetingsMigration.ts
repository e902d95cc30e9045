import { sql, type Generated, type Kysely, type Migration } from "kysely";

/** Tables of meetings (issue 8): meetings, their attendance timeline, and seen webhook ids. */
export interface MeetingTables {
  meetings: {
    id: string;
    doc_id: string;
    room_name: string;
    state: string;
    started_by: string;
    started_at: string;
    ended_at: string | null;
    end_reason: string | null;
    /** 1 while the host has "Record and take minutes" on (added by 0020_minutes). */
    recording: Generated<number>;
  };
  meeting_attendance: {
    meeting_id: string;
    /** LiveKit's participant sid: one row per stay, so a rejoin is a new row. */
    participant_sid: string;
    user_id: string;
    name: string;
    company: string;
    external: number;
    joined_at: string;
    left_at: string | null;
  };
  livekit_webhook_events: { id: string; received_at: string };
}

/**
 * Migration "0010_meetings". At most one live meeting per document is a unique partial index, so
 * two processes starting a meeting at once cannot both win.
 */
export const meetingsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("meetings")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("doc_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
      .addColumn("room_name", "text", (c) => c.notNull().unique())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("started_by", "text", (c) => c.notNull().references("users.id"))
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text")
      .addColumn("end_reason", "text")
      .execute();
    await db.schema.createIndex("meetings_doc").on("meetings").columns(["doc_id", "started_at"]).execute();
    await sql`create unique index meetings_one_live on meetings (doc_id) where state = 'live'`.execute(db);
    await db.schema
      .createTable("meeting_attendance")
      .addColumn("meeting_id", "text", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
      .addColumn("participant_sid", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("company", "text", (c) => c.notNull())
      .addColumn("external", "integer", (c) => c.notNull())
      .addColumn("joined_at", "text", (c) => c.notNull())
      .addColumn("left_at", "text")
      .addPrimaryKeyConstraint("meeting_attendance_pk", ["meeting_id", "participant_sid"])
      .execute();
    await db.schema
      .createTable("livekit_webhook_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("received_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("livekit_webhook_events_at").on("livekit_webhook_events").column("received_at").execute();
  },
};
