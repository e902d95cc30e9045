import { RoomServiceClient, TwirpError, TrackType, type ParticipantInfo, type Room } from "livekit-server-sdk";
import type { Logger } from "../logger.ts";
import { livekitUnreachable } from "./errors.ts";
import { roomNameFor, type LiveKitConnection, type RoomMetadata } from "./rooms.ts";

/** Seconds a new room waits for its first participant, and an emptied room for someone to come back. */
const EMPTY_TIMEOUT_S = 10 * 60;
const DEPARTURE_TIMEOUT_S = 60;

/**
 * The server's side of LiveKit's RoomService (livekit-server-sdk `RoomServiceClient`), with
 * LiveKit's errors turned into ours: "not found" is an answer (false), anything else is a 502.
 */
export class LiveKitRooms {
  private readonly client: RoomServiceClient;

  constructor(
    readonly connection: LiveKitConnection,
    private readonly log: Logger,
  ) {
    this.client = new RoomServiceClient(connection.apiUrl, connection.apiKey, connection.apiSecret, { requestTimeout: 5, failover: false });
  }

  /** Creates a meeting's room (idempotent in LiveKit). */
  async createRoom(meetingId: string, docId: string): Promise<Room> {
    const metadata: RoomMetadata = { docId, meetingId };
    return this.call("CreateRoom", () =>
      this.client.createRoom({ name: roomNameFor(meetingId), metadata: JSON.stringify(metadata), emptyTimeout: EMPTY_TIMEOUT_S, departureTimeout: DEPARTURE_TIMEOUT_S }),
    );
  }

  /** Every room LiveKit has open. */
  async listRooms(): Promise<Room[]> {
    return this.call("ListRooms", () => this.client.listRooms());
  }

  /** Deletes a room (everyone in it leaves); false when it did not exist. */
  async deleteRoom(room: string): Promise<boolean> {
    return this.found("DeleteRoom", () => this.client.deleteRoom(room));
  }

  /** Who is in a room. */
  async listParticipants(room: string): Promise<ParticipantInfo[]> {
    return this.call("ListParticipants", () => this.client.listParticipants(room));
  }

  /** Removes someone from a room (LiveKit also revokes their current token); false when they were not there. */
  async removeParticipant(room: string, identity: string): Promise<boolean> {
    return this.found("RemoveParticipant", () => this.client.removeParticipant(room, identity));
  }

  /** Mutes every audio track someone publishes; false when they are not in the room. */
  async muteAudio(room: string, identity: string): Promise<boolean> {
    let participant: ParticipantInfo | undefined;
    const exists = await this.found("GetParticipant", async () => {
      participant = await this.client.getParticipant(room, identity);
    });
    if (!exists || !participant) return false;
    for (const track of participant.tracks) {
      if (track.type !== TrackType.AUDIO || track.muted) continue;
      await this.found("MutePublishedTrack", () => this.client.mutePublishedTrack(room, identity, track.sid, true));
    }
    return true;
  }

  /** Runs a call; a LiveKit "not_found" is `false`. */
  private async found(what: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(what, fn, true);
      return true;
    } catch (err) {
      if (err instanceof TwirpError && err.status === 404) return false;
      throw err;
    }
  }

  private async call<T>(what: string, fn: () => Promise<T>, passNotFound = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (passNotFound && err instanceof TwirpError && err.status === 404) throw err;
      const detail = err instanceof TwirpError ? { status: err.status, code: err.code, message: err.message } : { message: (err as Error).message };
      this.log.warn({ call: what, ...detail }, "LiveKit call failed");
      throw livekitUnreachable();
    }
  }
}
