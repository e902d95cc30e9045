import type { MeetingNotice } from "@confer/shared";
import type { WebhookEvent } from "livekit-server-sdk";
import type { LiveKitSettings } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { CollabServer } from "../collab/CollabServer.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { UserStore } from "../store/users.ts";
import { MeetingStore, type AttendanceRow, type EndReason, type MeetingRow } from "../store/meetings.ts";
import type { DB } from "../store/db.ts";
import { now } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import { canMeeting, type DocumentAccess } from "../policies/index.ts";
import type { LiveKitRooms } from "./LiveKitRooms.ts";
import type { WebhookHandler } from "./WebhookHandler.ts";
import type { mintMeetingToken } from "./tokens.ts";
import { roomNameFor, type LiveKitConnection } from "./rooms.ts";
import { meetingsNotConfigured } from "./errors.ts";
import { Reconciler, type ReconcileResult } from "./Reconciler.ts";

/** What the meeting service needs. */
export interface MeetingDeps {
  settings: LiveKitSettings;
  log: Logger;
  db: DB;
  documents: DocumentStore;
  users: UserStore;
  collab: Pick<CollabServer, "notifyAll">;
}

/** What the minutes side hears from meetings (MinutesService implements it). */
export interface RecordingHooks {
  /** A verified webhook about a meeting's tracks or egresses (`track_published`, `egress_*`). Must be idempotent. */
  onWebhook(event: WebhookEvent, meeting: MeetingRow): Promise<void>;
  /** A meeting ended, for whatever reason. */
  onEnded(meetingId: string): Promise<void>;
  /**
   * A verified recording event about the room of a meeting that no longer exists (its document was
   * deleted): what the egress left behind must not outlive the document. Must be idempotent.
   */
  onMeetingGone(event: WebhookEvent, meetingId: string): Promise<void>;
}

/** The LiveKit connection when url, key and secret are set; otherwise the names of the missing settings. */
export function liveKitConnection(s: LiveKitSettings): LiveKitConnection | string[] {
  const missing = [
    ["LIVEKIT_URL", s.url],
    ["LIVEKIT_API_KEY", s.apiKey],
    ["LIVEKIT_API_SECRET", s.apiSecret],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => name!);
  if (missing.length) return missing;
  return { url: s.url!, apiUrl: s.apiUrl ?? s.url!, apiKey: s.apiKey!, apiSecret: s.apiSecret! };
}

/**
 * Meetings of documents: one LiveKit room per meeting, at most one live meeting per document. Owns
 * the meeting lifecycle (live → ended, each transition stored before it is announced) and the
 * notices open pages get; routes, webhooks and reconciliation all go through it.
 */
export class MeetingService {
  readonly store: MeetingStore;
  /** Settings still missing before meetings work (empty when configured). */
  readonly missingSettings: string[];
  readonly log: Logger;
  private readonly connection: LiveKitConnection | undefined;
  private readonly reconciler = new Reconciler(this);
  private loaded: { rooms: LiveKitRooms; webhooks: WebhookHandler; mint: typeof mintMeetingToken } | undefined;
  /** Set by the minutes service: recording events and meeting ends go to it. */
  recordingHooks: RecordingHooks | undefined;

  constructor(private readonly deps: MeetingDeps) {
    this.log = deps.log.child({ component: "meetings" });
    this.store = new MeetingStore(deps.db);
    const connection = liveKitConnection(deps.settings);
    this.missingSettings = Array.isArray(connection) ? connection : [];
    this.connection = Array.isArray(connection) ? undefined : connection;
    if (this.missingSettings.length > 0 && this.missingSettings.length < 3) {
      this.log.warn({ missing: this.missingSettings }, "meetings are off: some LiveKit settings are missing");
    }
  }

  /**
   * Loads livekit-server-sdk when LiveKit is configured (and only then: it is a large import that a
   * server without meetings does not pay for at start-up).
   */
  async init(): Promise<void> {
    if (!this.connection || this.loaded) return;
    const [{ LiveKitRooms }, { WebhookHandler }, { mintMeetingToken }] = await Promise.all([
      import("./LiveKitRooms.ts"),
      import("./WebhookHandler.ts"),
      import("./tokens.ts"),
    ]);
    const rooms = new LiveKitRooms(this.connection, this.log);
    this.loaded = { rooms, webhooks: new WebhookHandler(this, this.connection, this.deps.users, this.deps.documents), mint: mintMeetingToken };
  }

  /** LiveKit's RoomService, or undefined when meetings are not configured. */
  get livekit(): LiveKitRooms | undefined {
    return this.loaded?.rooms;
  }

  /** The webhook handler, or the 503 that explains which settings are missing. */
  get webhooks(): WebhookHandler {
    if (!this.loaded) throw meetingsNotConfigured(this.missingSettings);
    return this.loaded.webhooks;
  }

  /** Mints a member's token for a meeting (see tokens.ts); the caller checked the policy. */
  mintToken(...args: Parameters<typeof mintMeetingToken>): Promise<string> {
    if (!this.loaded) throw meetingsNotConfigured(this.missingSettings);
    return this.loaded.mint(...args);
  }

  /** Compares meetings with LiveKit's rooms now (see Reconciler). */
  reconcile(): Promise<ReconcileResult> {
    return this.reconciler.run();
  }

  /** Reconciles on start and every minute, until `stop()`. */
  startReconciling(): void {
    this.reconciler.start();
  }

  stop(): void {
    this.reconciler.stop();
  }

  /** LiveKit, or the 503 that explains which settings are missing. */
  requireLiveKit(): LiveKitRooms {
    if (!this.livekit) throw meetingsNotConfigured(this.missingSettings);
    return this.livekit;
  }

  /**
   * Starts a meeting of `docId` (the caller checked the policy), or returns the one already live.
   * The room is created first, then the row is written (the unique index settles races; a loser
   * deletes its room). So a live meeting always has its room, and a ListRooms issued after reading
   * the live meetings is a fair picture for reconciliation.
   */
  async start(docId: string, startedBy: { id: string; name: string }, recording = false): Promise<{ meeting: MeetingRow; created: boolean }> {
    const livekit = this.requireLiveKit();
    const existing = await this.store.findLive(docId);
    if (existing) return { meeting: existing, created: false };
    const id = newId();
    await livekit.createRoom(id, docId);
    const inserted = await this.store.insertLive({ id, docId, roomName: roomNameFor(id), startedBy: startedBy.id, startedAt: now(), recording });
    if (!inserted) {
      await livekit.deleteRoom(roomNameFor(id)).catch((err: unknown) => this.log.warn({ err }, "could not delete a room that lost a race"));
      const winner = await this.store.findLive(docId);
      if (winner) return { meeting: winner, created: false };
      return this.start(docId, startedBy, recording);
    }
    const meeting = (await this.store.find(id))!;
    this.log.info({ meeting: id, doc: docId }, "meeting started");
    await this.announce(meeting);
    return { meeting, created: true };
  }

  /**
   * Ends a live meeting: stored first, then announced, then (unless LiveKit already closed it) its
   * room is deleted so everyone in it leaves. Returns false when it had already ended.
   */
  async end(meeting: MeetingRow, reason: EndReason): Promise<boolean> {
    const ended = await this.store.end(meeting.id, reason, now());
    if (!ended) return false;
    this.log.info({ meeting: meeting.id, doc: meeting.docId, reason }, "meeting ended");
    await this.announce(meeting.id);
    await this.ended(meeting.id);
    // LiveKit closed the room itself for the other reasons. If it cannot be reached now, the
    // meeting stays ended (no new tokens) and reconciliation deletes the room later.
    if (reason === "host" || reason === "document_deleted") {
      await this.livekit?.deleteRoom(meeting.roomName).catch((err: unknown) => this.log.warn({ err, meeting: meeting.id }, "room not deleted yet"));
    }
    return true;
  }

  /**
   * Applies a change of someone's access to a document (removed, or a revoked link): when they may
   * no longer join its live meeting, LiveKit removes them from the room before this resolves.
   * A LiveKit failure is logged, not thrown (reconciliation removes them within a minute).
   */
  async onAccessChanged(docId: string, userId: string): Promise<void> {
    const meeting = this.livekit && (await this.store.findLive(docId));
    if (!meeting) return;
    if (await this.mayJoin(meeting, userId)) return;
    await this.livekit!.removeParticipant(meeting.roomName, userId).catch((err: unknown) =>
      this.log.warn({ err, meeting: meeting.id }, "could not remove a person who lost access from the meeting"),
    );
  }

  /** A document is being deleted: its live meeting ends and its room goes. */
  async onDocumentDeleted(docId: string): Promise<void> {
    const meeting = await this.store.findLive(docId);
    if (meeting) await this.end(meeting, "document_deleted").catch((err: unknown) => this.log.warn({ err }, "could not end the meeting of a deleted document"));
  }

  /** Whether `userId` may be in `meeting` right now, by the meeting policy. */
  async mayJoin(meeting: MeetingRow, userId: string): Promise<boolean> {
    const [user, doc] = await Promise.all([this.deps.users.findById(userId), this.deps.documents.findFor(meeting.docId, userId)]);
    const access: DocumentAccess = { user, role: doc?.role };
    return canMeeting(access, "join", meeting);
  }

  /** Tells the minutes side that a meeting ended (its failure is logged: recordings are picked up again on the next event). */
  async ended(meetingId: string): Promise<void> {
    await this.recordingHooks?.onEnded(meetingId).catch((err: unknown) => this.log.warn({ err, meeting: meetingId }, "minutes could not start"));
  }

  /** Tells the document's open pages the meeting's current state and who is in it. */
  async announce(meetingOrId: MeetingRow | string): Promise<void> {
    const meeting = typeof meetingOrId === "string" ? await this.store.find(meetingOrId) : meetingOrId;
    if (!meeting) return;
    const stays = meeting.state === "live" ? ((await this.store.attendance([meeting.id])).get(meeting.id) ?? []) : [];
    await this.deps.collab.notifyAll(meeting.docId, toNotice(meeting, stays));
  }
}

/** The notice for a meeting, with the people in it now (one entry per person). */
export function toNotice(m: MeetingRow, stays: AttendanceRow[]): MeetingNotice {
  const present = new Map<string, { userId: string; name: string; external: boolean }>();
  for (const s of stays) if (s.leftAt === null) present.set(s.userId, { userId: s.userId, name: s.name, external: s.external });
  return {
    type: "meeting",
    meetingId: m.id,
    state: m.state,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    startedBy: m.startedBy,
    participants: [...present.values()],
    recording: m.state === "live" && m.recording,
  };
}
