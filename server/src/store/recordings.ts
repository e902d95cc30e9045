import type { MinutesState } from "@confer/shared";
import type { DB } from "./db.ts";
import { now } from "./db.ts";
import type { MinutesTables } from "./minutesMigration.ts";

/** One speaker track's recording (one LiveKit Track Egress). */
export interface RecordingRow {
  egressId: string;
  meetingId: string;
  trackSid: string;
  userId: string;
  /** Where the recording is: a file in RECORDINGS_DIR, or `s3://<bucket>/<key>` (see minutes/storage/). */
  filepath: string;
  state: "active" | "complete" | "failed";
  /** Unix nanoseconds (as LiveKit sends them), once the egress ended. */
  startedAtNs: string | null;
  endedAtNs: string | null;
  error: string | null;
  /** The recording this part continues (started by rotation), else null: the start of a track's recording. */
  follows: string | null;
  /** When a process took on starting the next part, else null. */
  rotatedAt: string | null;
  createdAt: string;
}

/** A recognised word: seconds from the start of its recording. */
export interface Word {
  word: string;
  start: number;
  end: number;
}

/** A transcript segment: seconds from the start of its recording (with its words' times, when the engine gives them). */
export interface Segment {
  start: number;
  end: number;
  text: string;
  words?: Word[];
}

/** Where a meeting's minutes are. */
export interface MinutesRow {
  meetingId: string;
  state: Exclude<MinutesState, "none" | "recording">;
  progress: number;
  speakersDone: number;
  speakersTotal: number;
  error: string | null;
  /** The extracted minutes as JSON (MinutesView fields), once extracted. */
  result: string | null;
  writtenAt: string | null;
}

/**
 * Most recordings of tracks one meeting may start: each publish of a microphone and each re-enable
 * of recording starts one (what people can make the server record by their own actions).
 */
export const MAX_RECORDING_STARTS_PER_MEETING = 64;
/**
 * Most recording files (parts included) one meeting may have. Parts come only with time (one per
 * track per RECORDING_CHUNK_SECONDS); past this bound the tracks keep recording into their current
 * part, unrotated, so nothing is lost: e.g. 4 speakers at 120 s parts for 8 hours.
 */
export const MAX_RECORDINGS_PER_MEETING = 1024;

/** Recordings, transcripts and the minutes' state of meetings. */
export class RecordingStore {
  constructor(private readonly db: DB) {}

  /** Records an egress that was started; false when the track already has an active one. */
  async insert(r: Pick<RecordingRow, "egressId" | "meetingId" | "trackSid" | "userId" | "filepath"> & { follows?: string }): Promise<boolean> {
    const result = await this.db
      .insertInto("meeting_recordings")
      .values({ egress_id: r.egressId, meeting_id: r.meetingId, track_sid: r.trackSid, user_id: r.userId, filepath: r.filepath, state: "active", created_at: now(), follows: r.follows ?? null })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async find(egressId: string): Promise<RecordingRow | undefined> {
    return toRecording(await this.db.selectFrom("meeting_recordings").selectAll().where("egress_id", "=", egressId).executeTakeFirst());
  }

  /** A meeting's recordings, oldest first. */
  async forMeeting(meetingId: string): Promise<RecordingRow[]> {
    const rows = await this.db.selectFrom("meeting_recordings").selectAll().where("meeting_id", "=", meetingId).orderBy("created_at").orderBy("egress_id").execute();
    return rows.map((r) => toRecording(r)!);
  }

  /** How many recordings a meeting has, parts included (`starts`: only the starts of tracks' recordings). */
  async count(meetingId: string, only?: "starts"): Promise<number> {
    let q = this.db.selectFrom("meeting_recordings").select((eb) => eb.fn.countAll<number>().as("n")).where("meeting_id", "=", meetingId);
    if (only === "starts") q = q.where("follows", "is", null);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  /**
   * Current recordings of live, recording meetings started before `before` (ISO): each is due for
   * its next part. A rotation taken on before `staleBefore` whose part never came is due again.
   */
  async dueForRotation(before: string, staleBefore: string, limit = 200): Promise<RecordingRow[]> {
    const rows = await this.db
      .selectFrom("meeting_recordings as r")
      .innerJoin("meetings as m", "m.id", "r.meeting_id")
      .selectAll("r")
      .where("r.state", "=", "active")
      .where("r.created_at", "<", before)
      .where("m.state", "=", "live")
      .where("m.recording", "=", 1)
      .where((eb) => eb.or([eb("r.rotated_at", "is", null), eb("r.rotated_at", "<", staleBefore)]))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom("meeting_recordings as n").select("n.egress_id").whereRef("n.follows", "=", "r.egress_id"))))
      .orderBy("r.created_at")
      .limit(limit)
      .execute();
    return rows.map((r) => toRecording(r)!);
  }

  /**
   * Takes on starting a recording's next part: true for exactly one caller (the database decides),
   * while the recording is active and has no next part, and nobody took it on since `staleBefore`.
   */
  async claimRotation(egressId: string, staleBefore: string): Promise<boolean> {
    const result = await this.db
      .updateTable("meeting_recordings as r")
      .set({ rotated_at: now() })
      .where("r.egress_id", "=", egressId)
      .where("r.state", "=", "active")
      .where((eb) => eb.or([eb("r.rotated_at", "is", null), eb("r.rotated_at", "<", staleBefore)]))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom("meeting_recordings as n").select("n.egress_id").whereRef("n.follows", "=", "r.egress_id"))))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Gives a rotation up (its part could not start): the recording is the track's current one again. */
  async releaseRotation(egressId: string): Promise<void> {
    await this.db.updateTable("meeting_recordings").set({ rotated_at: null }).where("egress_id", "=", egressId).execute();
  }

  /** Recordings still active whose next part has been recording since before `before` (ISO): their overlap is over. */
  async overlapped(before: string, limit = 200): Promise<RecordingRow[]> {
    const rows = await this.db
      .selectFrom("meeting_recordings as r")
      .innerJoin("meeting_recordings as n", "n.follows", "r.egress_id")
      .selectAll("r")
      .where("r.state", "=", "active")
      .where("n.created_at", "<", before)
      .limit(limit)
      .execute();
    return rows.map((r) => toRecording(r)!);
  }

  /** Ended meetings that still have recordings marked active (their `egress_ended` is late or lost). */
  async endedWithActive(limit = 100): Promise<string[]> {
    const rows = await this.db
      .selectFrom("meeting_recordings as r")
      .innerJoin("meetings as m", "m.id", "r.meeting_id")
      .select("r.meeting_id")
      .distinct()
      .where("r.state", "=", "active")
      .where("m.state", "=", "ended")
      .limit(limit)
      .execute();
    return rows.map((r) => r.meeting_id);
  }

  /** Whether a track is being recorded now. */
  async activeFor(meetingId: string, trackSid: string): Promise<boolean> {
    const row = await this.db.selectFrom("meeting_recordings").select("egress_id").where("meeting_id", "=", meetingId).where("track_sid", "=", trackSid).where("state", "=", "active").executeTakeFirst();
    return !!row;
  }

  /** Applies `egress_ended` once: false when the recording had already ended (a replay). */
  async end(egressId: string, e: { state: "complete" | "failed"; startedAtNs: string | null; endedAtNs: string | null; error: string | null; filepath?: string }): Promise<boolean> {
    const result = await this.db
      .updateTable("meeting_recordings")
      .set({ state: e.state, started_at_ns: e.startedAtNs, ended_at_ns: e.endedAtNs, error: e.error, ...(e.filepath ? { filepath: e.filepath } : {}) })
      .where("egress_id", "=", egressId)
      .where("state", "=", "active")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The ids of a document's meetings and of their recordings: what its minutes jobs are about. */
  async subjectsOfDocument(docId: string): Promise<string[]> {
    const meetings = await this.db.selectFrom("meetings").select("id").where("doc_id", "=", docId).execute();
    const recordings = await this.db
      .selectFrom("meeting_recordings as r")
      .innerJoin("meetings as m", "m.id", "r.meeting_id")
      .select("r.egress_id")
      .where("m.doc_id", "=", docId)
      .execute();
    return [...meetings.map((m) => m.id), ...recordings.map((r) => r.egress_id)];
  }

  /**
   * Deletes the recordings of a document's meetings (their transcripts go with them) and returns
   * where their files are, every part included. `db` is the document's deletion transaction: an
   * `egress_ended` applied at the same time either is seen here (its file's location returned) or
   * finds neither the recording nor its meeting afterwards.
   */
  static async takeForDocument(db: DB, docId: string): Promise<string[]> {
    const rows = await db
      .deleteFrom("meeting_recordings")
      .where("meeting_id", "in", db.selectFrom("meetings").select("id").where("doc_id", "=", docId))
      .returning("filepath")
      .execute();
    return rows.map((r) => r.filepath);
  }

  /** Stores what a recording said (once; a second transcription of it is ignored). */
  async saveTranscript(egressId: string, meetingId: string, engine: string, segments: Segment[]): Promise<void> {
    await this.db
      .insertInto("meeting_transcripts")
      .values({ egress_id: egressId, meeting_id: meetingId, engine, segments: JSON.stringify(segments), created_at: now() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Transcripts of a meeting, by egress id. */
  async transcripts(meetingId: string): Promise<Map<string, Segment[]>> {
    const rows = await this.db.selectFrom("meeting_transcripts").select(["egress_id", "segments"]).where("meeting_id", "=", meetingId).execute();
    return new Map(rows.map((r) => [r.egress_id, JSON.parse(r.segments) as Segment[]]));
  }

  async minutes(meetingId: string): Promise<MinutesRow | undefined> {
    const r = await this.db.selectFrom("meeting_minutes").selectAll().where("meeting_id", "=", meetingId).executeTakeFirst();
    return (
      r && {
        meetingId: r.meeting_id,
        state: r.state as MinutesRow["state"],
        progress: r.progress,
        speakersDone: r.speakers_done,
        speakersTotal: r.speakers_total,
        error: r.error,
        result: r.result,
        writtenAt: r.written_at,
      }
    );
  }

  /** Stores where the minutes are now (creating the row); `result` and `writtenAt` are kept unless given. */
  async setMinutes(meetingId: string, m: Partial<Omit<MinutesRow, "meetingId">> & Pick<MinutesRow, "state">): Promise<void> {
    const values = {
      state: m.state,
      progress: m.progress ?? 0,
      speakers_done: m.speakersDone ?? 0,
      speakers_total: m.speakersTotal ?? 0,
      error: m.error ?? null,
      updated_at: now(),
      ...(m.result !== undefined ? { result: m.result } : {}),
      ...(m.writtenAt !== undefined ? { written_at: m.writtenAt } : {}),
    };
    await this.db
      .insertInto("meeting_minutes")
      .values({ meeting_id: meetingId, ...values })
      .onConflict((oc) => oc.column("meeting_id").doUpdateSet(values))
      .execute();
  }
}

type Row = MinutesTables["meeting_recordings"];

function toRecording(r: Row | undefined): RecordingRow | undefined {
  return (
    r && {
      egressId: r.egress_id,
      meetingId: r.meeting_id,
      trackSid: r.track_sid,
      userId: r.user_id,
      filepath: r.filepath,
      state: r.state as RecordingRow["state"],
      startedAtNs: r.started_at_ns,
      endedAtNs: r.ended_at_ns,
      error: r.error,
      follows: r.follows,
      rotatedAt: r.rotated_at,
      createdAt: r.created_at,
    }
  );
}
