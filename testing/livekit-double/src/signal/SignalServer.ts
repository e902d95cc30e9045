import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import {
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  MuteTrackRequest,
  ParticipantUpdate,
  Pong,
  ReconnectResponse,
  ServerInfo,
  ServerInfo_Edition,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  TrackPublishedResponse,
  type JoinRequest,
  type ParticipantInfo,
  type Room,
  type TrackInfo,
} from "@livekit/protocol";
import { TokenError, type ApiKeys, type Claims } from "../auth.ts";
import { publishedTrack, type RoomRegistry } from "../RoomRegistry.ts";
import { TwirpError } from "../twirp.ts";
import { readJoinRequest } from "./joinRequest.ts";
import { WeriftPeer, type OnRemoteTrack } from "./WeriftPeer.ts";

const RTC_PATH = /^\/rtc(\/v1)?$/;
const VALIDATE_PATH = /^\/rtc(\/v1)?\/validate$/;

/** Signal-path settings. */
export interface SignalOptions {
  /** Answer offers with a werift peer (needed for livekit-client's connect()); off: signalling only. */
  peer: boolean;
  /** How long a participant whose signal socket dropped may resume before it leaves (LiveKit: ~20 s). */
  departureMs: number;
  pingIntervalSeconds: number;
  pingTimeoutSeconds: number;
}

/** One signal WebSocket of a participant. */
interface Session {
  ws: WebSocket;
  room: string;
  identity: string;
  key: string;
  claims: Claims;
  /** Set when the session ended on purpose (client leave, or removed by the server). */
  ended: boolean;
  /** Signal requests received, by kind (tests look at them). */
  received: string[];
}

/** An HTTP refusal of an upgrade or validate call. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * LiveKit's signal path: `/rtc` and `/rtc/v1` WebSockets speaking `SignalRequest`/`SignalResponse`
 * protobufs, `/rtc[/v1]/validate`, the join (JoinResponse), pings, publishing tracks, mute, leave
 * and signal resume. Participants live in the shared RoomRegistry, so RoomService calls and
 * webhooks see them; this class turns registry changes into signal messages.
 */
export class SignalServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly sessions = new Map<string, Session>();
  private readonly peers = new Map<string, WeriftPeer>();
  private readonly departures = new Map<string, NodeJS.Timeout>();
  private closing = false;
  /** Hears the media a participant sends, with the sid of the track it published (the double records audio). */
  onMedia: ((room: string, identity: string, trackSid: string, track: Parameters<OnRemoteTrack>[1]) => void) | undefined;

  constructor(
    private readonly keys: ApiKeys,
    private readonly rooms: RoomRegistry,
    private readonly options: SignalOptions,
    private readonly log: (...args: unknown[]) => void = () => undefined,
  ) {}

  /** Whether a path belongs to the signal service. */
  static handles(pathname: string): boolean {
    return RTC_PATH.test(pathname) || VALIDATE_PATH.test(pathname);
  }

  /** `GET /rtc[/v1]/validate`: livekit-client calls it after a failed WebSocket to learn why. */
  async handleValidate(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    res.setHeader("Access-Control-Allow-Origin", "*");
    try {
      await this.admit(url);
      res.end("success");
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal(500, (err as Error).message);
      res.writeHead(refusal.status, { "Content-Type": "text/plain; charset=utf-8" }).end(refusal.message);
    }
  }

  /** Upgrades `/rtc` after checking the token; refusals are HTTP answers, as LiveKit gives them. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    let admitted: { claims: Claims; join: JoinRequest };
    try {
      if (this.closing) throw new Refusal(503, "server is shutting down");
      admitted = await this.admit(url);
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal(500, (err as Error).message);
      socket.end(`HTTP/1.1 ${refusal.status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refusal.message}`);
      return;
    }
    const { claims, join } = admitted;
    const room = claims.video!.room!;
    const identity = claims.sub!;
    const key = `${room}/${identity}`;
    const resume = join.reconnect && this.rooms.participants(room).some((p) => p.identity === identity);
    let joined: ReturnType<RoomRegistry["join"]> | undefined;
    if (!resume) {
      try {
        joined = this.rooms.join(claims);
      } catch (err) {
        const status = err instanceof TwirpError && err.code === "resource_exhausted" ? 503 : 401;
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\n\r\n${(err as Error).message}`);
        return;
      }
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { ws, room, identity, key, claims, ended: false, received: [] };
      clearTimeout(this.departures.get(key));
      this.departures.delete(key);
      this.sessions.set(key, session);
      if (joined) this.send(session, "join", this.joinResponse(joined));
      else this.send(session, "reconnect", new ReconnectResponse({}));
      ws.on("message", (data: Buffer) => {
        let message: SignalRequest["message"];
        try {
          message = SignalRequest.fromBinary(new Uint8Array(data)).message;
        } catch {
          return;
        }
        this.onRequest(session, message).catch((err: unknown) => this.log(`[${identity}] request failed`, err));
      });
      ws.on("close", () => this.onClose(session));
      if (join.publisherOffer) void this.answer(session, join.publisherOffer);
    });
  }

  /** Sessions currently open, by `room/identity`. */
  get openSessions(): ReadonlyMap<string, Session> {
    return this.sessions;
  }

  // ---- registry hooks --------------------------------------------------------------------------

  /** Others in the room learn of the newcomer. */
  participantJoined(room: Room, p: ParticipantInfo): void {
    this.broadcast(room.name, p, p.identity);
  }

  /** The leaver's session is told to go when the server removed them; the others see them leave. */
  participantLeft(room: Room, p: ParticipantInfo, removed: boolean): void {
    const key = `${room.name}/${p.identity}`;
    const session = this.sessions.get(key);
    if (session && removed) {
      session.ended = true;
      this.send(session, "leave", new LeaveRequest({ reason: p.disconnectReason, action: LeaveRequest_Action.DISCONNECT, canReconnect: false }));
      this.sessions.delete(key);
      session.ws.close(1000);
    }
    clearTimeout(this.departures.get(key));
    this.departures.delete(key);
    this.peers.get(key)?.close();
    this.peers.delete(key);
    this.broadcast(room.name, p, p.identity);
  }

  /** Everyone in the room (the participant included) gets the new version. */
  participantUpdated(room: Room, p: ParticipantInfo): void {
    this.broadcast(room.name, p);
  }

  /** The owner's client is told to mute the track (as MutePublishedTrack does). */
  trackMutedByServer(room: Room, identity: string, track: TrackInfo): void {
    const session = this.sessions.get(`${room.name}/${identity}`);
    if (session) this.send(session, "mute", new MuteTrackRequest({ sid: track.sid, muted: track.muted }));
  }

  /** Drops every session and peer without webhooks. */
  close(): void {
    this.closing = true;
    for (const s of this.sessions.values()) s.ws.terminate();
    for (const t of this.departures.values()) clearTimeout(t);
    for (const p of this.peers.values()) p.close();
    this.sessions.clear();
    this.wss.close();
  }

  // ---- internals -------------------------------------------------------------------------------

  /** LiveKit's `ValidateConnectRequest`: a valid token with roomJoin, a room and an identity. */
  private async admit(url: URL): Promise<{ claims: Claims; join: JoinRequest }> {
    let claims: Claims;
    try {
      claims = await this.keys.verify(url.searchParams.get("access_token") ?? "");
    } catch (err) {
      throw new Refusal(401, err instanceof TokenError ? err.message : "invalid authorization token");
    }
    if (!claims.video?.roomJoin) throw new Refusal(401, "permissions denied");
    if (!claims.sub) throw new Refusal(400, "identity cannot be empty");
    if (!claims.video.room) throw new Refusal(400, "no room name");
    let join: JoinRequest;
    try {
      join = readJoinRequest(url.searchParams);
    } catch {
      throw new Refusal(400, "cannot unmarshal join request");
    }
    // A client may ask for its own metadata/attributes at join only with canUpdateOwnMetadata.
    const asks = join.metadata !== "" || Object.keys(join.participantAttributes).length > 0;
    if (asks && !claims.video.canUpdateOwnMetadata) throw new Refusal(401, "permissions denied");
    return { claims, join };
  }

  private joinResponse(j: ReturnType<RoomRegistry["join"]>): JoinResponse {
    return new JoinResponse({
      room: j.room,
      participant: j.participant,
      otherParticipants: j.others,
      serverInfo: new ServerInfo({ edition: ServerInfo_Edition.Standard, version: "1.9.0", protocol: 16, nodeId: "ND_DOUBLE" }),
      serverVersion: "1.9.0",
      pingInterval: this.options.pingIntervalSeconds,
      pingTimeout: this.options.pingTimeoutSeconds,
      subscriberPrimary: false,
    });
  }

  private async onRequest(s: Session, { case: kind, value }: SignalRequest["message"]): Promise<void> {
    if (!kind) return;
    s.received.push(kind);
    switch (kind) {
      case "ping":
        return this.send(s, "pong", BigInt(Date.now()));
      case "pingReq":
        return this.send(s, "pongResp", new Pong({ lastPingTimestamp: value.timestamp, timestamp: BigInt(Date.now()) }));
      case "offer":
        return this.answer(s, value);
      case "trickle":
        return this.peers.get(s.key)?.addCandidate(value.candidateInit);
      case "addTrack": {
        const track = publishedTrack(value);
        this.send(s, "trackPublished", new TrackPublishedResponse({ cid: value.cid, track }));
        return this.rooms.addTrack(s.room, s.identity, track);
      }
      case "mute":
        return this.rooms.setTrackMuted(s.room, s.identity, value.sid, value.muted);
      case "updateMetadata":
        // Refused without canUpdateOwnMetadata: the server's name and attributes stay.
        if (!s.claims.video?.canUpdateOwnMetadata) return;
        this.rooms.update(s.room, s.identity, { name: value.name, metadata: value.metadata, attributes: value.attributes });
        return;
      case "leave":
        s.ended = true;
        this.rooms.leave(s.room, s.identity, DisconnectReason.CLIENT_INITIATED);
        s.ws.close(1000);
        return;
      default:
        return;
    }
  }

  private async answer(s: Session, offer: SessionDescription): Promise<void> {
    if (!this.options.peer) return;
    let peer = this.peers.get(s.key);
    if (!peer) {
      peer = new WeriftPeer((cid, track) => {
        const info = this.rooms.participants(s.room).find((p) => p.identity === s.identity)?.tracks.find((t) => t.codecs.some((c) => c.cid === cid));
        if (info) this.onMedia?.(s.room, s.identity, info.sid, track);
        else this.log(`[${s.identity}] media on an unpublished track ${cid}`);
      });
      this.peers.set(s.key, peer);
    }
    const sdp = await peer.answer(offer.sdp);
    this.send(s, "answer", new SessionDescription({ type: "answer", sdp, id: offer.id }));
  }

  private onClose(s: Session): void {
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    if (s.ended || this.closing || this.sessions.has(s.key)) return;
    // An abrupt close: the participant stays for a while, in case the client resumes.
    const timer = setTimeout(() => {
      this.departures.delete(s.key);
      if (!this.sessions.has(s.key)) this.rooms.leave(s.room, s.identity, DisconnectReason.SIGNAL_CLOSE);
    }, this.options.departureMs);
    timer.unref();
    this.departures.set(s.key, timer);
  }

  private broadcast(room: string, p: ParticipantInfo, except?: string): void {
    const update = new ParticipantUpdate({ participants: [p] });
    for (const s of this.sessions.values()) if (s.room === room && s.identity !== except) this.send(s, "update", update);
  }

  private send<K extends NonNullable<SignalResponse["message"]["case"]>>(
    s: Session,
    kind: K,
    value: Extract<SignalResponse["message"], { case: K }>["value"],
  ): void {
    if (s.ws.readyState !== s.ws.OPEN) return;
    s.ws.send(new SignalResponse({ message: { case: kind, value } as SignalResponse["message"] }).toBinary());
  }
}
