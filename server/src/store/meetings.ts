import type { MeetingState } from "@confer/shared";
import type { DB } from "./db.ts";
import { now } from "./db.ts";

/** Why a meeting ended. */
export type EndReason = "host" | "room_finished" | "room_gone" | "document_deleted";

/** A meeting row with the name of the person who started it. */
export interface MeetingRow {
  id: string;
  docId: string;
  roomName: string;
  state: MeetingState;
  startedBy: { id: string; name: string };
  startedAt: string;
  endedAt: string | null;
  endReason: EndReason | null;
  /** Whether the host has "Record and take minutes" on. */
  recording: boolean;
}

/** One stay of one participant (LiveKit participant sid) in a meeting. */
export interface AttendanceRow {
  meetingId: string;
  participantSid: string;
  userId: string;
  name: string;
  company: string;
  external: boolean;
  joinedAt: string;
  leftAt: string | null;
}

/** Most attendance rows kept per meeting: every rejoin is a row, and a client could rejoin forever. */
export const MAX_ATTENDANCE_ROWS = 2000;

/** Meetings, their attendance timeline and the webhook ids already applied. */
export class MeetingStore {
  constructor(private readonly db: DB) {}

  /** Runs `fn` in one transaction with a store bound to it; nothing else may use the database inside. */
  transaction<T>(fn: (store: MeetingStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new MeetingStore(trx)));
  }

  /** Inserts a live meeting; false when the document already has one (nothing is written). */
  async insertLive(m: { id: string; docId: string; roomName: string; startedBy: string; startedAt: string; recording?: boolean }): Promise<boolean> {
    const result = await this.db
      .insertInto("meetings")
      .values({ id: m.id, doc_id: m.docId, room_name: m.roomName, state: "live", started_by: m.startedBy, started_at: m.startedAt, recording: m.recording ? 1 : 0 })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Turns recording on or off; false when the meeting is not live (nothing is written). */
  async setRecording(id: string, on: boolean): Promise<boolean> {
    const result = await this.db.updateTable("meetings").set({ recording: on ? 1 : 0 }).where("id", "=", id).where("state", "=", "live").executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Removes a meeting that never went live (its room could not be created). */
  async remove(id: string): Promise<void> {
    await this.db.deleteFrom("meetings").where("id", "=", id).execute();
  }

  async find(id: string): Promise<MeetingRow | undefined> {
    return toMeeting(await this.select().where("m.id", "=", id).executeTakeFirst());
  }

  async findByRoom(roomName: string): Promise<MeetingRow | undefined> {
    return toMeeting(await this.select().where("m.room_name", "=", roomName).executeTakeFirst());
  }

  async findLive(docId: string): Promise<MeetingRow | undefined> {
    return toMeeting(await this.select().where("m.doc_id", "=", docId).where("m.state", "=", "live").executeTakeFirst());
  }

  /** Every live meeting (one per document at most), for reconciliation with LiveKit. */
  async listLive(): Promise<MeetingRow[]> {
    return (await this.select().where("m.state", "=", "live").execute()).map((r) => toMeeting(r)!);
  }

  /** A document's newest `limit` meetings, newest first. */
  async listForDoc(docId: string, limit: number): Promise<MeetingRow[]> {
    const rows = await this.select().where("m.doc_id", "=", docId).orderBy("m.started_at", "desc").orderBy("m.id").limit(limit).execute();
    return rows.map((r) => toMeeting(r)!);
  }

  /**
   * Ends a live meeting at `at`, closing every open stay; false when it had already ended (so a
   * second end, from a webhook or a reconciliation, changes nothing).
   */
  async end(id: string, reason: EndReason, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable("meetings")
      .set({ state: "ended", ended_at: at, end_reason: reason })
      .where("id", "=", id)
      .where("state", "=", "live")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await this.db.updateTable("meeting_attendance").set({ left_at: at }).where("meeting_id", "=", id).where("left_at", "is", null).execute();
    return true;
  }

  /**
   * Records that a participant joined. Events may come in any order: a stay already closed by its
   * `participant_left` (or by the meeting's end) stays closed. Returns false past the row bound.
   */
  async recordJoin(a: Omit<AttendanceRow, "leftAt">, meetingEndedAt: string | null): Promise<boolean> {
    const existing = await this.findStay(a.meetingId, a.participantSid);
    if (existing) return true;
    if ((await this.countStays(a.meetingId)) >= MAX_ATTENDANCE_ROWS) return false;
    await this.db
      .insertInto("meeting_attendance")
      .values({ ...this.row(a), left_at: meetingEndedAt })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return true;
  }

  /** Records that a participant left at `leftAt`, creating the stay when its join has not arrived yet. */
  async recordLeave(a: AttendanceRow & { leftAt: string }): Promise<boolean> {
    const existing = await this.findStay(a.meetingId, a.participantSid);
    if (existing) {
      await this.db
        .updateTable("meeting_attendance")
        .set({ left_at: a.leftAt })
        .where("meeting_id", "=", a.meetingId)
        .where("participant_sid", "=", a.participantSid)
        .execute();
      return true;
    }
    if ((await this.countStays(a.meetingId)) >= MAX_ATTENDANCE_ROWS) return false;
    await this.db.insertInto("meeting_attendance").values({ ...this.row(a), left_at: a.leftAt }).onConflict((oc) => oc.doNothing()).execute();
    return true;
  }

  /** The attendance timeline of some meetings, by meeting id, in joining order. */
  async attendance(meetingIds: string[]): Promise<Map<string, AttendanceRow[]>> {
    const out = new Map<string, AttendanceRow[]>(meetingIds.map((id) => [id, []]));
    if (meetingIds.length === 0) return out;
    const rows = await this.db.selectFrom("meeting_attendance").selectAll().where("meeting_id", "in", meetingIds).orderBy("joined_at").orderBy("participant_sid").execute();
    for (const r of rows) {
      out.get(r.meeting_id)?.push({
        meetingId: r.meeting_id,
        participantSid: r.participant_sid,
        userId: r.user_id,
        name: r.name,
        company: r.company,
        external: r.external === 1,
        joinedAt: r.joined_at,
        leftAt: r.left_at,
      });
    }
    return out;
  }

  /**
   * Marks a webhook event id as applied; false when it already was (a replay). Inside the same
   * transaction as the event's changes, so a failed event can be delivered again.
   */
  async claimEvent(id: string): Promise<boolean> {
    const result = await this.db.insertInto("livekit_webhook_events").values({ id, received_at: now() }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Forgets event ids received before `before`, and all but the newest `keep`. */
  async pruneEvents(before: string, keep: number): Promise<void> {
    await this.db.deleteFrom("livekit_webhook_events").where("received_at", "<", before).execute();
    // Ids break ties between events received in the same millisecond, so exactly `keep` stay.
    const newest = this.db.selectFrom("livekit_webhook_events").select("id").orderBy("received_at", "desc").orderBy("id", "desc").limit(keep);
    await this.db.deleteFrom("livekit_webhook_events").where("id", "not in", newest).execute();
  }

  /** How many webhook ids are remembered (for the bound's test). */
  async countEvents(): Promise<number> {
    const row = await this.db.selectFrom("livekit_webhook_events").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private select() {
    return this.db
      .selectFrom("meetings as m")
      .innerJoin("users as u", "u.id", "m.started_by")
      .select(["m.id", "m.doc_id", "m.room_name", "m.state", "m.started_by", "u.name as started_by_name", "m.started_at", "m.ended_at", "m.end_reason", "m.recording"]);
  }

  private async findStay(meetingId: string, sid: string) {
    return this.db.selectFrom("meeting_attendance").select("left_at").where("meeting_id", "=", meetingId).where("participant_sid", "=", sid).executeTakeFirst();
  }

  private async countStays(meetingId: string): Promise<number> {
    const row = await this.db.selectFrom("meeting_attendance").select((eb) => eb.fn.countAll<number>().as("n")).where("meeting_id", "=", meetingId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private row(a: Omit<AttendanceRow, "leftAt">) {
    return {
      meeting_id: a.meetingId,
      participant_sid: a.participantSid,
      user_id: a.userId,
      name: a.name,
      company: a.company,
      external: a.external ? 1 : 0,
      joined_at: a.joinedAt,
    };
  }
}

type Row = {
  id: string;
  doc_id: string;
  room_name: string;
  state: string;
  started_by: string;
  started_by_name: string;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  recording: number;
};

function toMeeting(r: Row | undefined): MeetingRow | undefined {
  return (
    r && {
      id: r.id,
      docId: r.doc_id,
      roomName: r.room_name,
      state: r.state as MeetingState,
      startedBy: { id: r.started_by, name: r.started_by_name },
      startedAt: r.started_at,
      endedAt: r.ended_at,
      endReason: r.end_reason as EndReason | null,
      recording: r.recording === 1,
    }
  );
}
