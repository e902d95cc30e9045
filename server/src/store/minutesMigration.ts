import { sql, type Kysely, type Migration } from "kysely";
import { columnTypes } from "./dialect.ts";

/** Tables of recordings and minutes (issue 9). */
export interface MinutesTables {
  /** One LiveKit Track Egress: one speaker's microphone track recorded to one file. */
  meeting_recordings: {
    egress_id: string;
    meeting_id: string;
    track_sid: string;
    /** The participant's identity: a Confer user id. */
    user_id: string;
    /** Where the egress was asked to write (absolute, under RECORDINGS_DIR). */
    filepath: string;
    /** "active" until `egress_ended`, then "complete" or "failed". */
    state: string;
    /** FileInfo times from `egress_ended`, Unix nanoseconds as strings. */
    started_at_ns: string | null;
    ended_at_ns: string | null;
    error: string | null;
    created_at: string;
    /** The recording this one continues (a part started by rotation), else null (a start). */
    follows: string | null;
    /** When a process took on starting this recording's next part (rotation), else null. */
    rotated_at: string | null;
  };
  /** What one recording said: segments as JSON (seconds from the file's start). */
  meeting_transcripts: {
    egress_id: string;
    meeting_id: string;
    engine: string;
    segments: string;
    created_at: string;
  };
  /** Where a meeting's minutes are: state, progress, the result for REST, and when they were written. */
  meeting_minutes: {
    meeting_id: string;
    state: string;
    progress: number;
    speakers_done: number;
    speakers_total: number;
    error: string | null;
    result: string | null;
    written_at: string | null;
    updated_at: string;
  };
  /** The durable job queue: one row per job, unique by key. */
  jobs: {
    id: string;
    kind: string;
    key: string;
    subject: string;
    state: string;
    attempts: number;
    run_after: string;
    error: string | null;
    created_at: string;
    updated_at: string;
  };
}

/**
 * Migration "0020_minutes": the per-meeting "record" flag, recordings (one per Track Egress), their
 * transcripts, the minutes' state, and the job queue. One active egress per track is a unique
 * partial index, so a replayed `track_published` cannot start a second one.
 */
export const minutesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("meetings").addColumn("recording", "integer", (c) => c.notNull().defaultTo(0)).execute();
    await db.schema
      .createTable("meeting_recordings")
      .addColumn("egress_id", "text", (c) => c.primaryKey())
      .addColumn("meeting_id", "text", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
      .addColumn("track_sid", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("filepath", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("started_at_ns", "text")
      .addColumn("ended_at_ns", "text")
      .addColumn("error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("meeting_recordings_meeting").on("meeting_recordings").column("meeting_id").execute();
    await sql`create unique index meeting_recordings_one_active on meeting_recordings (meeting_id, track_sid) where state = 'active'`.execute(db);
    await db.schema
      .createTable("meeting_transcripts")
      .addColumn("egress_id", "text", (c) => c.primaryKey().references("meeting_recordings.egress_id").onDelete("cascade"))
      .addColumn("meeting_id", "text", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
      .addColumn("engine", "text", (c) => c.notNull())
      .addColumn("segments", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("meeting_minutes")
      .addColumn("meeting_id", "text", (c) => c.primaryKey().references("meetings.id").onDelete("cascade"))
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("progress", columnTypes(db).real, (c) => c.notNull().defaultTo(0))
      .addColumn("speakers_done", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("speakers_total", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("error", "text")
      .addColumn("result", "text")
      .addColumn("written_at", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull().unique())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("run_after", "text", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("jobs_runnable").on("jobs").columns(["state", "run_after"]).execute();
  },
};

/**
 * Migration "0040_recording_parts": a microphone's recording is cut into parts while the meeting
 * goes on (rotation). A part names the recording it continues (`follows`, unique: one next part per
 * part), and a recording whose next part is being started is no longer the track's current one
 * (`rotated_at`), so the one-active-per-track index counts only current recordings.
 */
export const recordingPartsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("meeting_recordings").addColumn("follows", "text").execute();
    await db.schema.alterTable("meeting_recordings").addColumn("rotated_at", "text").execute();
    await db.schema.dropIndex("meeting_recordings_one_active").execute();
    await sql`create unique index meeting_recordings_one_current on meeting_recordings (meeting_id, track_sid) where state = 'active' and rotated_at is null`.execute(db);
    await db.schema.createIndex("meeting_recordings_follows").unique().on("meeting_recordings").column("follows").execute();
  },
};
