import { randomBytes } from "node:crypto";
import {
  type AddTrackRequest,
  CreateRoomRequest,
  DisconnectReason,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  Room,
  TrackInfo,
  TrackType,
} from "@livekit/protocol";
import type { Claims } from "./auth.ts";
import { TwirpError } from "./twirp.ts";

/** LiveKit's defaults when CreateRoom leaves them at 0 (seconds). */
const DEFAULT_EMPTY_TIMEOUT_S = 300;
const DEFAULT_DEPARTURE_TIMEOUT_S = 20;

/** What the registry tells the rest of the double (signal sessions, webhooks) as rooms change. */
export interface RoomHooks {
  roomStarted(room: Room): void;
  roomFinished(room: Room): void;
  participantJoined(room: Room, p: ParticipantInfo): void;
  /** A participant is gone; `removed` when the server (RemoveParticipant, DeleteRoom) made them leave. */
  participantLeft(room: Room, p: ParticipantInfo, removed: boolean): void;
  /** A participant published a track (signal `addTrack`, or a test's `publishMicrophone`). */
  trackPublished(room: Room, p: ParticipantInfo, track: TrackInfo): void;
  /** A participant's info changed (tracks, mute, name…): connected clients get a ParticipantUpdate. */
  participantUpdated(room: Room, p: ParticipantInfo): void;
  /** The server muted one of a participant's tracks; its client must stop sending. */
  trackMutedByServer(room: Room, identity: string, track: TrackInfo): void;
}

/** One live room: its info, its participants by identity, and tokens revoked by RemoveParticipant. */
interface LiveRoom {
  info: Room;
  participants: Map<string, ParticipantInfo>;
  /** identity → Unix seconds: tokens with an earlier `nbf` may not join again. */
  revokedBefore: Map<string, number>;
  closeTimer?: NodeJS.Timeout;
}

/** Options that shorten LiveKit's timers in tests. */
export interface RoomRegistryOptions {
  /** When set, empty rooms close after this many ms instead of emptyTimeout/departureTimeout seconds. */
  closeEmptyRoomsAfterMs?: number;
}

const sid = (prefix: string) => `${prefix}_${randomBytes(6).toString("base64url")}`;

/**
 * The rooms and participants of the double, with LiveKit's lifecycle rules: CreateRoom is
 * idempotent, joining auto-creates a room, an empty room closes after its timeout, DeleteRoom and
 * RemoveParticipant make people leave, and RemoveParticipant revokes the tokens issued before it.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, LiveRoom>();

  constructor(
    private readonly hooks: RoomHooks,
    private readonly options: RoomRegistryOptions = {},
  ) {}

  /** CreateRoom: returns the existing room when there is one, as LiveKit does. */
  create(req: CreateRoomRequest): Room {
    if (!req.name) throw new TwirpError("invalid_argument", "no room name");
    const existing = this.rooms.get(req.name);
    if (existing) return existing.info;
    const ms = BigInt(Date.now());
    const info = new Room({
      sid: sid("RM"),
      name: req.name,
      emptyTimeout: req.emptyTimeout || DEFAULT_EMPTY_TIMEOUT_S,
      departureTimeout: req.departureTimeout || DEFAULT_DEPARTURE_TIMEOUT_S,
      maxParticipants: req.maxParticipants,
      metadata: req.metadata,
      creationTime: ms / 1000n,
      creationTimeMs: ms,
    });
    const room: LiveRoom = { info, participants: new Map(), revokedBefore: new Map() };
    this.rooms.set(req.name, room);
    this.scheduleClose(room, info.emptyTimeout);
    this.hooks.roomStarted(info);
    return info;
  }

  /** ListRooms: every room, or those named. */
  list(names: string[] = []): Room[] {
    const all = [...this.rooms.values()].map((r) => r.info);
    return names.length ? all.filter((r) => names.includes(r.name)) : all;
  }

  /** A live room's info, if it exists. */
  room(name: string): Room | undefined {
    return this.rooms.get(name)?.info;
  }

  /** DeleteRoom: everyone leaves (ROOM_DELETED), then the room finishes. */
  delete(name: string): void {
    const room = this.rooms.get(name);
    if (!room) throw new TwirpError("not_found", "requested room does not exist");
    this.finish(room, DisconnectReason.ROOM_DELETED);
  }

  /** ListParticipants. */
  participants(roomName: string): ParticipantInfo[] {
    return [...(this.rooms.get(roomName)?.participants.values() ?? [])];
  }

  /** One participant, or a Twirp not_found. */
  participant(roomName: string, identity: string): ParticipantInfo {
    const p = this.rooms.get(roomName)?.participants.get(identity);
    if (!p) throw new TwirpError("not_found", "participant does not exist");
    return p;
  }

  /**
   * A participant joins with verified token claims (auto-creating the room). Refuses a token
   * revoked by RemoveParticipant and a full room. An existing session of the same identity is
   * replaced (DUPLICATE_IDENTITY).
   */
  join(claims: Claims): { room: Room; participant: ParticipantInfo; others: ParticipantInfo[] } {
    const roomName = claims.video?.room ?? "";
    const identity = claims.sub ?? "";
    const room = this.rooms.get(roomName) ?? this.rooms.get(this.create(new CreateRoomRequest({ name: roomName })).name)!;
    const revoked = room.revokedBefore.get(identity);
    if (revoked !== undefined && (claims.nbf ?? 0) < revoked) throw new TwirpError("permission_denied", "participant was removed from the room");
    if (room.participants.has(identity)) this.leave(roomName, identity, DisconnectReason.DUPLICATE_IDENTITY, true);
    if (room.info.maxParticipants && room.participants.size >= room.info.maxParticipants) throw new TwirpError("resource_exhausted", "room is full");
    clearTimeout(room.closeTimer);
    const video = claims.video ?? {};
    const ms = BigInt(Date.now());
    const participant = new ParticipantInfo({
      sid: sid("PA"),
      identity,
      name: claims.name ?? "",
      metadata: claims.metadata ?? "",
      attributes: claims.attributes ?? {},
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: ms / 1000n,
      joinedAtMs: ms,
      version: 1,
      permission: new ParticipantPermission({
        canSubscribe: video.canSubscribe ?? true,
        canPublish: video.canPublish ?? true,
        canPublishData: video.canPublishData ?? true,
        canUpdateMetadata: video.canUpdateOwnMetadata ?? false,
        hidden: video.hidden ?? false,
        recorder: video.recorder ?? false,
        agent: video.agent ?? false,
      }),
    });
    const others = [...room.participants.values()];
    room.participants.set(identity, participant);
    room.info.numParticipants = room.participants.size;
    this.hooks.participantJoined(room.info, participant);
    return { room: room.info, participant, others };
  }

  /** A participant leaves for `reason`; the room closes after its departure timeout when empty. */
  leave(roomName: string, identity: string, reason: DisconnectReason, removed = false): void {
    const room = this.rooms.get(roomName);
    const p = room?.participants.get(identity);
    if (!room || !p) return;
    room.participants.delete(identity);
    room.info.numParticipants = room.participants.size;
    p.state = ParticipantInfo_State.DISCONNECTED;
    p.disconnectReason = reason;
    p.version++;
    this.hooks.participantLeft(room.info, p, removed);
    if (room.participants.size === 0) this.scheduleClose(room, room.info.departureTimeout);
  }

  /** RemoveParticipant: the participant leaves and tokens issued before now + 1 min cannot rejoin. */
  remove(roomName: string, identity: string, revokeTokenTs?: bigint): void {
    const room = this.rooms.get(roomName);
    if (!room?.participants.has(identity)) throw new TwirpError("not_found", "participant does not exist");
    room.revokedBefore.set(identity, revokeTokenTs ? Number(revokeTokenTs) : Math.floor(Date.now() / 1000) + 60);
    this.leave(roomName, identity, DisconnectReason.PARTICIPANT_REMOVED, true);
  }

  /** MutePublishedTrack: mutes (or, if allowed, unmutes) one published track. */
  muteTrack(roomName: string, identity: string, trackSid: string, muted: boolean): TrackInfo {
    const p = this.participant(roomName, identity);
    const track = p.tracks.find((t) => t.sid === trackSid);
    if (!track) throw new TwirpError("not_found", "track is not found");
    if (!muted && track.muted) throw new TwirpError("failed_precondition", "remote unmute not enabled");
    track.muted = muted;
    p.version++;
    this.hooks.trackMutedByServer(this.room(roomName)!, identity, track);
    this.hooks.participantUpdated(this.room(roomName)!, p);
    return track;
  }

  /** UpdateParticipant: name, metadata, attributes and permission, as the server may change them. */
  update(
    roomName: string,
    identity: string,
    patch: { name?: string; metadata?: string; attributes?: Record<string, string>; permission?: ParticipantPermission },
  ): ParticipantInfo {
    const p = this.participant(roomName, identity);
    if (patch.name) p.name = patch.name;
    if (patch.metadata) p.metadata = patch.metadata;
    for (const [k, v] of Object.entries(patch.attributes ?? {})) {
      if (v === "") delete p.attributes[k];
      else p.attributes[k] = v;
    }
    if (patch.permission) p.permission = patch.permission;
    p.version++;
    this.hooks.participantUpdated(this.room(roomName)!, p);
    return p;
  }

  /** A participant published a track (signal `addTrack`). */
  addTrack(roomName: string, identity: string, track: TrackInfo): void {
    const p = this.rooms.get(roomName)?.participants.get(identity);
    if (!p) return;
    p.tracks.push(track);
    p.isPublisher = true;
    p.version++;
    this.hooks.participantUpdated(this.room(roomName)!, p);
    this.hooks.trackPublished(this.room(roomName)!, p, track);
  }

  /** A participant muted or unmuted its own track (signal `mute`). */
  setTrackMuted(roomName: string, identity: string, trackSid: string, muted: boolean): void {
    const p = this.rooms.get(roomName)?.participants.get(identity);
    const track = p?.tracks.find((t) => t.sid === trackSid);
    if (!p || !track) return;
    track.muted = muted;
    p.version++;
    this.hooks.participantUpdated(this.room(roomName)!, p);
  }

  /** Closes every room without webhooks or timers (the double is stopping). */
  clear(): void {
    for (const room of this.rooms.values()) clearTimeout(room.closeTimer);
    this.rooms.clear();
  }

  private scheduleClose(room: LiveRoom, seconds: number): void {
    clearTimeout(room.closeTimer);
    const ms = this.options.closeEmptyRoomsAfterMs ?? seconds * 1000;
    room.closeTimer = setTimeout(() => {
      if (this.rooms.get(room.info.name) === room && room.participants.size === 0) this.finish(room, DisconnectReason.ROOM_CLOSED);
    }, ms);
    room.closeTimer.unref();
  }

  private finish(room: LiveRoom, reason: DisconnectReason): void {
    for (const identity of [...room.participants.keys()]) this.leave(room.info.name, identity, reason, true);
    clearTimeout(room.closeTimer);
    this.rooms.delete(room.info.name);
    this.hooks.roomFinished(room.info);
  }
}

/** Builds the TrackInfo LiveKit answers an `addTrack` with. */
export function publishedTrack(req: AddTrackRequest): TrackInfo {
  const mimeType = req.type === TrackType.AUDIO ? "audio/opus" : "video/vp8";
  return new TrackInfo({
    sid: sid("TR"),
    type: req.type,
    name: req.name,
    source: req.source,
    muted: req.muted,
    mimeType,
    stereo: req.stereo,
    disableDtx: req.disableDtx,
    width: req.width,
    height: req.height,
    codecs: [{ mimeType, cid: req.cid }],
  });
}
