import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiKeys } from "./auth.ts";
import { RoomRegistry } from "./RoomRegistry.ts";
import { ROOM_SERVICE_PREFIX, RoomService } from "./RoomService.ts";
import { SignalServer } from "./signal/SignalServer.ts";
import { WebhookSender, webhookEvent } from "./webhooks.ts";
import { EGRESS_PREFIX, EgressService } from "./EgressService.ts";
import { TrackRecorder } from "./media/TrackRecorder.ts";
import { publishedTrack } from "./RoomRegistry.ts";
import { AddTrackRequest, TrackSource, TrackType, type TrackInfo } from "@livekit/protocol";

/** How to start a double; every field has a default. */
export interface DoubleOptions {
  port?: number;
  /** The API key and secret (LiveKit dev defaults: devkey / secret). */
  apiKey?: string;
  apiSecret?: string;
  /** Where webhooks go (can be set later through `webhooks.url`). */
  webhookUrl?: string;
  /** Answer WebRTC offers with a werift peer (default true). */
  peer?: boolean;
  /** How long a dropped participant may resume before it leaves (default 2000 ms). */
  departureMs?: number;
  /** Close empty rooms after this many ms instead of their emptyTimeout/departureTimeout. */
  closeEmptyRoomsAfterMs?: number;
  log?: (...args: unknown[]) => void;
}

/**
 * A LiveKit server double on 127.0.0.1: RoomService over Twirp JSON, signed webhooks, and the
 * signal path, sharing one set of rooms. Stand-in for `livekit-server --dev` in tests.
 */
export class LiveKitDouble {
  /** `ws://127.0.0.1:PORT`, what browsers (and LIVEKIT_URL) use. */
  url = "";
  /** `http://127.0.0.1:PORT`, what the RoomService client uses. */
  httpUrl = "";
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly rooms: RoomRegistry;
  readonly roomService: RoomService;
  readonly signal: SignalServer;
  readonly webhooks: WebhookSender;
  /** Track Egress (and the egress worker: it writes the recordings). */
  readonly egress: EgressService;
  private readonly media = new TrackRecorder();
  private readonly server: http.Server;

  private constructor(opts: DoubleOptions) {
    this.apiKey = opts.apiKey ?? "devkey";
    this.apiSecret = opts.apiSecret ?? "secret";
    const keys = new ApiKeys({ [this.apiKey]: this.apiSecret });
    this.webhooks = new WebhookSender({ apiKey: this.apiKey, apiSecret: this.apiSecret }, opts.webhookUrl);
    const log = opts.log ?? (() => undefined);
    // The registry's changes fan out to the signal sessions and to webhooks, in that order
    // (the hooks run only after construction, once `this.signal` exists).
    this.rooms = new RoomRegistry(
      {
        roomStarted: (room) => this.webhooks.emit(webhookEvent("room_started", { room })),
        roomFinished: (room) => {
          this.egress.roomFinished(room.name);
          this.webhooks.emit(webhookEvent("room_finished", { room }));
        },
        participantJoined: (room, participant) => {
          this.signal.participantJoined(room, participant);
          this.webhooks.emit(webhookEvent("participant_joined", { room, participant }));
        },
        participantLeft: (room, participant, removed) => {
          this.signal.participantLeft(room, participant, removed);
          this.webhooks.emit(webhookEvent("participant_left", { room, participant }));
          for (const t of participant.tracks) this.egress.trackEnded(t.sid);
        },
        trackPublished: (room, participant, track) => this.webhooks.emit(webhookEvent("track_published", { room, participant, track })),
        participantUpdated: (room, p) => this.signal.participantUpdated(room, p),
        trackMutedByServer: (room, identity, track) => this.signal.trackMutedByServer(room, identity, track),
      },
      { closeEmptyRoomsAfterMs: opts.closeEmptyRoomsAfterMs },
    );
    this.signal = new SignalServer(
      keys,
      this.rooms,
      { peer: opts.peer ?? true, departureMs: opts.departureMs ?? 2000, pingIntervalSeconds: 5, pingTimeoutSeconds: 15 },
      log,
    );
    this.roomService = new RoomService(keys, this.rooms);
    this.egress = new EgressService(keys, this.rooms, (event) => this.webhooks.emit(event));
    // What browsers send on their microphones is what Track Egress records.
    this.signal.onMedia = (_room, _identity, trackSid, track) => {
      const audio = this.media.record(trackSid, track);
      if (audio && !this.egress.audio.has(trackSid)) this.egress.audio.set(trackSid, audio);
    };
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://double");
      const done = (p: Promise<void>) => p.catch((err: unknown) => {
        log("request failed", err);
        if (!res.headersSent) res.writeHead(500).end();
      });
      if (url.pathname.startsWith(ROOM_SERVICE_PREFIX)) done(this.roomService.handle(req, res, url.pathname.slice(ROOM_SERVICE_PREFIX.length)));
      else if (url.pathname.startsWith(EGRESS_PREFIX)) done(this.egress.handle(req, res, url.pathname.slice(EGRESS_PREFIX.length)));
      else if (SignalServer.handles(url.pathname) && req.method === "GET") done(this.signal.handleValidate(req, res, url));
      else res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found");
    });
    this.server.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", "http://double");
      if (!SignalServer.handles(url.pathname)) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      void this.signal.handleUpgrade(req, socket, head, url);
    });
  }

  /** Starts a double listening on 127.0.0.1 (port 0 by default). */
  static async start(opts: DoubleOptions = {}): Promise<LiveKitDouble> {
    const double = new LiveKitDouble(opts);
    await new Promise<void>((resolve, reject) => {
      double.server.once("error", reject);
      double.server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = double.server.address() as AddressInfo;
    double.url = `ws://127.0.0.1:${port}`;
    double.httpUrl = `http://127.0.0.1:${port}`;
    return double;
  }

  /**
   * Publishes a microphone track for a participant already in a room, as `addTrack` over the signal
   * path would, with the audio its Track Egress will record (`track_published` goes out).
   */
  publishMicrophone(roomName: string, identity: string, audio?: { file: string; startedAtMs?: number; speed?: number }): TrackInfo {
    const track = publishedTrack(new AddTrackRequest({ cid: `mic-${identity}-${Date.now()}`, name: "microphone", type: TrackType.AUDIO, source: TrackSource.MICROPHONE }));
    if (audio) this.egress.audio.set(track.sid, audio);
    this.rooms.addTrack(roomName, identity, track);
    return track;
  }

  /** Stops listening and drops every room and session, sending no more webhooks. */
  async close(): Promise<void> {
    this.webhooks.url = undefined;
    this.signal.close();
    this.media.clear();
    this.rooms.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
