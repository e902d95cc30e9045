import { WebhookReceiver, type WebhookEvent } from "livekit-server-sdk";
import { HttpError } from "../errors.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { UserStore } from "../store/users.ts";
import type { AttendanceRow, MeetingRow } from "../store/meetings.ts";
import { isExternal } from "../policies/index.ts";
import type { MeetingService } from "./MeetingService.ts";
import { REPLAY_WINDOW_MS } from "./Reconciler.ts";
import { ROOM_PREFIX, STANDARD_PARTICIPANT, type LiveKitConnection } from "./rooms.ts";

/** Events about tracks and egresses: handed to the minutes side, which applies them idempotently. */
const RECORDING_EVENTS = new Set(["track_published", "egress_started", "egress_updated", "egress_ended"]);

/** What applying one event did. */
export type WebhookOutcome = "applied" | "replayed" | "ignored";

/** A webhook whose signature does not hold: forged, tampered with, or expired. */
const unsignedWebhook = (why: string) => new HttpError(401, "webhook_unauthorized", `This webhook is not signed by our LiveKit (${why}).`);

/**
 * LiveKit's webhooks: verified with livekit-server-sdk's WebhookReceiver over the raw body, applied
 * once per event id, in any order, to meetings and their attendance.
 */
export class WebhookHandler {
  private readonly receiver: WebhookReceiver;

  constructor(
    private readonly meetings: MeetingService,
    keys: Pick<LiveKitConnection, "apiKey" | "apiSecret">,
    private readonly users: UserStore,
    private readonly documents: DocumentStore,
  ) {
    this.receiver = new WebhookReceiver(keys.apiKey, keys.apiSecret);
  }

  /** Verifies the signature over the exact body and parses the event; 401 or 400 otherwise. */
  async verify(body: string, authorization: string | undefined): Promise<WebhookEvent> {
    try {
      return await this.receiver.receive(body, authorization);
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e instanceof SyntaxError || (!e.code?.startsWith("ERR_J") && !/authorization|sha256|token/i.test(e.message))) {
        throw new HttpError(400, "bad_webhook", "The webhook body is not a LiveKit event.");
      }
      throw unsignedWebhook(e.message);
    }
  }

  /** Applies a verified event: once per id, ignoring rooms that are not ours and events too old to check. */
  async apply(event: WebhookEvent): Promise<WebhookOutcome> {
    if (!event.id) throw new HttpError(400, "bad_webhook", "The webhook event has no id.");
    const createdMs = Number(event.createdAt) * 1000 || Date.now();
    if (Date.now() - createdMs > REPLAY_WINDOW_MS) return "ignored";
    const roomName = event.room?.name || event.egressInfo?.roomName;
    const meeting = roomName ? await this.meetings.store.findByRoom(roomName) : undefined;
    if (!meeting) {
      // A room of ours whose meeting is gone (its document was deleted): an egress may still report a file.
      if (roomName?.startsWith(ROOM_PREFIX) && RECORDING_EVENTS.has(event.event)) await this.meetings.recordingHooks?.onMeetingGone(event, roomName.slice(ROOM_PREFIX.length));
      return "ignored";
    }
    if (RECORDING_EVENTS.has(event.event)) {
      // Applied first (idempotently), remembered after: a failure leaves the event to be delivered again.
      await this.meetings.recordingHooks?.onWebhook(event, meeting);
      return (await this.meetings.store.transaction((store) => store.claimEvent(event.id))) ? "applied" : "replayed";
    }
    const at = new Date(createdMs).toISOString();
    // Look-ups happen before the transaction: inside it, only the meeting store may touch the database.
    const stay = await this.stayOf(event, meeting);
    const outcome = await this.meetings.store.transaction(async (store): Promise<WebhookOutcome> => {
      if (!(await store.claimEvent(event.id))) return "replayed";
      switch (event.event) {
        case "participant_joined":
          if (stay) await store.recordJoin(stay, meeting.endedAt);
          return "applied";
        case "participant_left":
          if (stay) await store.recordLeave({ ...stay, leftAt: at });
          return "applied";
        case "room_finished":
          await store.end(meeting.id, "room_finished", at);
          return "applied";
        default:
          return "ignored";
      }
    });
    // The event is stored; what follows is best effort (reconciliation is the backstop), so LiveKit
    // is never asked to deliver it again because of it.
    if (outcome === "applied") {
      await this.afterwards(event, meeting, stay).catch((err: unknown) => this.meetings.log.warn({ err, event: event.event }, "webhook follow-up failed"));
    }
    return outcome;
  }

  /** What follows an applied event: announce it, and keep LiveKit in line with our rules. */
  private async afterwards(event: WebhookEvent, meeting: MeetingRow, stay: AttendanceRow | undefined): Promise<void> {
    const livekit = this.meetings.requireLiveKit();
    if (event.event === "room_finished") {
      if (meeting.state === "live") this.meetings.log.info({ meeting: meeting.id, reason: "room_finished" }, "meeting ended");
      await this.meetings.announce(meeting.id);
      return this.meetings.ended(meeting.id);
    }
    if (meeting.state === "ended" && event.event === "participant_joined") {
      // Someone got into a room of an ended meeting (LiveKit re-creates rooms on join): close it.
      await livekit.deleteRoom(meeting.roomName);
      return;
    }
    if (event.event === "participant_joined" && stay && !(await this.meetings.mayJoin(meeting, stay.userId))) {
      await livekit.removeParticipant(meeting.roomName, stay.userId);
    }
    await this.meetings.announce(meeting.id);
  }

  /** The stay a participant event is about, named from our records (not from what the client sent). */
  private async stayOf(event: WebhookEvent, meeting: MeetingRow): Promise<AttendanceRow | undefined> {
    const p = event.participant;
    if (!p?.sid || !p.identity || p.kind !== STANDARD_PARTICIPANT) return undefined;
    const [user, doc] = await Promise.all([this.users.findById(p.identity), this.documents.find(meeting.docId)]);
    if (!user || !doc) return undefined;
    const joinedMs = Number(p.joinedAtMs) || Number(p.joinedAt) * 1000 || Number(event.createdAt) * 1000;
    return {
      meetingId: meeting.id,
      participantSid: p.sid,
      userId: user.id,
      name: user.name,
      company: user.company,
      external: isExternal(user, doc.orgId),
      joinedAt: new Date(joinedMs).toISOString(),
      leftAt: null,
    };
  }
}
