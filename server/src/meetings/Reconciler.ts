import { now } from "../store/db.ts";
import type { MeetingService } from "./MeetingService.ts";
import { ROOM_PREFIX, STANDARD_PARTICIPANT } from "./rooms.ts";

/**
 * How long applied event ids are remembered. LiveKit signs each delivery with a token valid for
 * 5 minutes (and retries within about a minute), so a replay is refused by its expired signature
 * long before its id is forgotten.
 */
export const REPLAY_WINDOW_MS = 60 * 60_000;
/** Most event ids remembered, whatever their age (pruned by reconciliation). */
export const MAX_REMEMBERED_EVENTS = 20_000;

/** How often the server compares its meetings with LiveKit's rooms. */
export const RECONCILE_EVERY_MS = 60_000;

/** What one reconciliation did, for logs and tests. */
export interface ReconcileResult {
  ended: string[];
  roomsDeleted: string[];
  removed: string[];
}

/**
 * Compares the server's live meetings with LiveKit's rooms (ListRooms), on start and every minute,
 * so a lost webhook never leaves a meeting live forever: a live meeting without a room ends; a room
 * of an ended meeting is deleted; anyone in a room who may no longer join is removed. Also forgets
 * old webhook ids.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileResult> | undefined;

  constructor(private readonly meetings: MeetingService) {}

  /** Reconciles now, then every `everyMs`. */
  start(everyMs = RECONCILE_EVERY_MS): void {
    if (!this.meetings.livekit || this.timer) return;
    void this.run();
    this.timer = setInterval(() => void this.run(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One reconciliation (joining the one in progress, if any); never throws. */
  run(): Promise<ReconcileResult> {
    this.running ??= this.reconcile()
      .catch((err: unknown) => {
        this.meetings.log.warn({ err }, "reconciliation with LiveKit failed");
        return { ended: [], roomsDeleted: [], removed: [] };
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async reconcile(): Promise<ReconcileResult> {
    const result: ReconcileResult = { ended: [], roomsDeleted: [], removed: [] };
    const { store } = this.meetings;
    await store.pruneEvents(new Date(Date.now() - REPLAY_WINDOW_MS).toISOString(), MAX_REMEMBERED_EVENTS);
    const livekit = this.meetings.livekit;
    if (!livekit) return result;
    // Live meetings first, rooms second: a meeting's room exists before its row (MeetingService.start),
    // so every meeting read here whose room is missing from the later ListRooms has really lost it.
    const live = await store.listLive();
    const rooms = await livekit.listRooms();
    const open = new Map(rooms.map((r) => [r.name, r]));

    for (const meeting of live) {
      const room = open.get(meeting.roomName);
      if (!room) {
        if (await this.meetings.end(meeting, "room_gone")) result.ended.push(meeting.id);
        continue;
      }
      if (room.numParticipants === 0) continue;
      for (const p of await livekit.listParticipants(meeting.roomName)) {
        // Only people: egress and agents are the server's own participants.
        if (p.kind !== STANDARD_PARTICIPANT || (await this.meetings.mayJoin(meeting, p.identity))) continue;
        if (await livekit.removeParticipant(meeting.roomName, p.identity)) result.removed.push(p.identity);
      }
    }
    for (const room of rooms) {
      // Only rooms of meetings that ended: a room whose row is not written yet is left alone.
      if (!room.name.startsWith(ROOM_PREFIX)) continue;
      const meeting = await store.findByRoom(room.name);
      if (meeting?.state === "ended" && (await livekit.deleteRoom(room.name))) result.roomsDeleted.push(room.name);
    }
    if (result.ended.length || result.roomsDeleted.length || result.removed.length) {
      this.meetings.log.info({ ...result, at: now() }, "reconciled meetings with LiveKit");
    }
    return result;
  }
}
