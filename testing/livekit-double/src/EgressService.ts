import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  EgressInfo,
  EgressSourceType,
  EgressStatus,
  FileInfo,
  ListEgressRequest,
  ListEgressResponse,
  StopEgressRequest,
  TrackEgressRequest,
  type S3Upload,
  type WebhookEvent,
} from "@livekit/protocol";
import { hasGrant, TokenError, type ApiKeys, type Claims } from "./auth.ts";
import type { RoomRegistry } from "./RoomRegistry.ts";
import type { RoomServiceCall } from "./RoomService.ts";
import { readBody, TWIRP_STATUS, TwirpError, writeTwirpError, writeTwirpJson } from "./twirp.ts";
import { webhookEvent } from "./webhooks.ts";
import { cutOggOpus } from "./media/oggCut.ts";

/** Path prefix of the Egress service, as livekit-server-sdk's EgressClient calls it. */
export const EGRESS_PREFIX = "/twirp/livekit.Egress/";
const MAX_BODY = 1 << 20;

/**
 * What a track "carries", as the double's egress records it: an audio file and when it started.
 * The file is the track's audio as it arrives from `startedAtMs` on, in real time: an egress
 * records the part of it between its start and its stop (its file starts where it started). When
 * the track itself ends (unpublished, its participant left, the room closed), what is left of a
 * prepared file arrives at once, so that tests need not wait out its length. A file that is not
 * Ogg/Opus (stand-in bytes) is copied whole.
 */
export interface TrackAudio {
  /** A file to write as the recording (Ogg/Opus, as Track Egress writes an Opus track). */
  file: string;
  /** When the track's audio starts, Unix ms (default: when the track's first egress started). */
  startedAtMs?: number;
  /** Finishes writing `file` (media still arriving from a browser); called before it is copied. */
  close?: () => void;
  /** Seconds of audio received so far (media arriving from a browser). */
  seconds?: () => number;
  /**
   * A prepared file arriving this many times faster than real time (benchmarks compress a long
   * meeting's clock). Times in `fileResults` are then on the audio's clock: `startedAtMs` plus
   * seconds of audio, so parts of one track line up as they would in a real-time meeting.
   */
  speed?: number;
}

interface Running {
  info: EgressInfo;
  trackSid: string;
  filepath: string;
  startedMs: number;
  /** Where the file is uploaded instead of written, when the output asks for a bucket. */
  s3?: S3Upload;
}

const ns = (ms: number) => BigInt(Math.round(ms)) * 1_000_000n;

/**
 * LiveKit's Egress service for Track Egress, over Twirp JSON: `StartTrackEgress` (a
 * `DirectFileOutput` file path, optionally with an `S3Upload`), `StopEgress` and `ListEgress`, all
 * needing `roomRecord`. The double plays the egress worker too: when the egress ends (StopEgress, its
 * participant leaves, the room closes) it writes what the track carried while the egress ran where it
 * was asked, or uploads it to the bucket as the object named by the file path (the egress is
 * "ending" meanwhile), and sends `egress_ended` with `fileResults` (start and end in Unix
 * nanoseconds; for a bucket, `filename` is the object key and `location` its URL), as LiveKit does;
 * `egress_started` is sent on start. A track's
 * audio comes from `audio` (set by tests, or by the media path); without it the egress fails.
 */
export class EgressService {
  /** Every call, oldest first. */
  readonly calls: RoomServiceCall[] = [];
  /** Audio by track sid. */
  readonly audio = new Map<string, TrackAudio>();
  /** Called before each method runs (tests use it to fail LiveKit). */
  beforeCall: ((method: string, body: unknown) => void | Promise<void>) | undefined;
  private readonly running = new Map<string, Running>();
  private readonly ended = new Map<string, EgressInfo>();
  /** When each track's first egress started (the start of audio that does not say when it starts). */
  private readonly firstEgressMs = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeys,
    private readonly rooms: RoomRegistry,
    private readonly emit: (event: WebhookEvent) => void,
  ) {}

  /** Egresses running now. */
  get active(): EgressInfo[] {
    return [...this.running.values()].map((r) => r.info);
  }

  /** Seconds of audio each running egress has received so far, by egress id (0 while none). */
  recordedSeconds(): Map<string, number> {
    return new Map([...this.running.values()].map((r) => [r.info.egressId, this.audio.get(r.trackSid)?.seconds?.() ?? 0]));
  }

  /** Handles `POST /twirp/livekit.Egress/<Method>`. */
  async handle(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const record = (status: number, body: unknown) => void this.calls.push({ method: name, body, status });
    const fail = (err: TwirpError, body: unknown = undefined) => {
      record(TWIRP_STATUS[err.code], body);
      writeTwirpError(res, err);
    };
    const parse = REQUESTS[name as keyof typeof REQUESTS];
    if (req.method !== "POST" || !parse) return fail(new TwirpError("bad_route", `no handler for path "${req.url}"`));
    const claims = await this.authenticate(req, res);
    if (claims === null) return record(401, undefined);
    const raw = await readBody(req, MAX_BODY);
    if (!raw) return fail(new TwirpError("malformed", "request body too large"));
    let body: unknown;
    try {
      body = parse.fromJsonString(raw.toString("utf8") || "{}", { ignoreUnknownFields: true });
    } catch {
      return fail(new TwirpError("malformed", "the json request could not be decoded"));
    }
    if (!hasGrant(claims?.video, { kind: "record" })) return fail(new TwirpError("unauthenticated", "permissions denied"), body);
    try {
      await this.beforeCall?.(name, body);
      const out = name === "StartTrackEgress" ? this.start(body as TrackEgressRequest) : name === "StopEgress" ? this.stop((body as StopEgressRequest).egressId) : this.list(body as ListEgressRequest);
      record(200, body);
      writeTwirpJson(res, out.toJsonString());
    } catch (err) {
      if (err instanceof TwirpError) return fail(err, body);
      fail(new TwirpError("internal", (err as Error).message), body);
    }
  }

  /** StartTrackEgress: the track must be published in the room; only file output is supported. */
  start(req: TrackEgressRequest): EgressInfo {
    const room = this.rooms.room(req.roomName);
    if (!room) throw new TwirpError("not_found", "requested room does not exist");
    const owner = this.rooms.participants(req.roomName).find((p) => p.tracks.some((t) => t.sid === req.trackId));
    if (!owner) throw new TwirpError("not_found", "track not found");
    if (req.output.case !== "file" || !req.output.value.filepath) throw new TwirpError("invalid_argument", "only DirectFileOutput with a filepath is supported by the double");
    const upload = req.output.value.output;
    if (upload.case !== undefined && upload.case !== "s3") throw new TwirpError("invalid_argument", "only S3 uploads are supported by the double");
    if (upload.case === "s3" && !upload.value.bucket) throw new TwirpError("invalid_argument", "S3 upload without a bucket");
    const info = new EgressInfo({
      egressId: `EG_${randomBytes(6).toString("base64url")}`,
      roomId: room.sid,
      roomName: room.name,
      sourceType: EgressSourceType.SDK,
      status: EgressStatus.EGRESS_STARTING,
      startedAt: ns(Date.now()),
      updatedAt: ns(Date.now()),
      request: { case: "track", value: req },
    });
    const startedMs = Date.now();
    if (!this.firstEgressMs.has(req.trackId)) this.firstEgressMs.set(req.trackId, startedMs);
    this.running.set(info.egressId, { info, trackSid: req.trackId, filepath: req.output.value.filepath, startedMs, s3: upload.case === "s3" ? upload.value : undefined });
    const answer = info.clone();
    info.status = EgressStatus.EGRESS_ACTIVE;
    this.emit(webhookEvent("egress_started", { egressInfo: info }));
    return answer;
  }

  /** StopEgress: ends a running egress (writing its file). */
  stop(egressId: string): EgressInfo {
    const running = this.running.get(egressId);
    if (!running) {
      if (this.ended.has(egressId)) throw new TwirpError("failed_precondition", "egress already ended");
      throw new TwirpError("not_found", "egress not found");
    }
    return this.finish(running, false);
  }

  /** ListEgress: by room, by id, or only the active ones. */
  list(req: ListEgressRequest): ListEgressResponse {
    const all = [...[...this.running.values()].map((r) => r.info), ...this.ended.values()];
    const items = all.filter((i) => (!req.roomName || i.roomName === req.roomName) && (!req.egressId || i.egressId === req.egressId) && (!req.active || i.status === EgressStatus.EGRESS_ACTIVE));
    return new ListEgressResponse({ items });
  }

  /** A track stopped (unpublished, its participant left, the room closed): its egresses end. */
  trackEnded(trackSid: string): void {
    for (const r of [...this.running.values()]) if (r.trackSid === trackSid) this.finish(r, true);
  }

  /** The room closed: every egress of it ends. */
  roomFinished(roomName: string): void {
    for (const r of [...this.running.values()]) if (r.info.roomName === roomName) this.finish(r, true);
  }

  /**
   * Writes what the egress recorded where it was asked and sends `egress_ended`: the track's audio
   * from the egress's start to its stop (to the end of a prepared file when the track ended).
   */
  private finish(r: Running, trackEnded: boolean): EgressInfo {
    this.running.delete(r.info.egressId);
    const info = r.info;
    const nowMs = Date.now();
    const audio = this.audio.get(r.trackSid);
    info.endedAt = ns(nowMs);
    info.updatedAt = ns(nowMs);
    // Media from a browser is written until the track's last egress stops.
    const stillRecorded = [...this.running.values()].some((o) => o.trackSid === r.trackSid);
    if (!stillRecorded) audio?.close?.();
    // A bucket's object is written to a file of the double's own first, then uploaded.
    const target = r.s3 ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "livekit-double-egress-")), "part.ogg") : r.filepath;
    const written = audio ? this.write(r, audio, trackEnded, nowMs, target) : undefined;
    const file = (w: { startedMs: number; endedMs: number }, filename: string, size: number, location: string) =>
      new FileInfo({ filename, startedAt: ns(w.startedMs), endedAt: ns(w.endedMs), duration: ns(w.endedMs - w.startedMs), size: BigInt(size), location });
    if (!written) {
      if (r.s3) fs.rmSync(path.dirname(target), { recursive: true, force: true });
      this.end(info, undefined, "no media was received on the track");
      return info;
    }
    if (!r.s3) {
      this.end(info, file(written, r.filepath, fs.statSync(r.filepath).size, ""));
      return info;
    }
    // As the egress worker does: the upload happens after the track ends, egress_ended after it.
    info.status = EgressStatus.EGRESS_ENDING;
    this.ended.set(info.egressId, info);
    const answer = info.clone();
    const body = fs.readFileSync(target);
    fs.rmSync(path.dirname(target), { recursive: true, force: true });
    const key = r.filepath.replace(/^\/+/, "");
    uploadTo(r.s3, key, body).then(
      (location) => this.end(info, file(written, key, body.length, location)),
      (err: Error) => this.end(info, undefined, `S3 upload failed: ${err.message}`),
    );
    return answer;
  }

  /** The egress is over: complete with its file, or failed; `egress_ended` goes out. */
  private end(info: EgressInfo, file: FileInfo | undefined, error?: string): void {
    if (file) {
      info.status = EgressStatus.EGRESS_COMPLETE;
      info.fileResults = [file];
      info.result = { case: "file", value: file };
    } else {
      info.status = EgressStatus.EGRESS_FAILED;
      info.error = error ?? "the recording failed";
    }
    this.ended.set(info.egressId, info);
    this.emit(webhookEvent("egress_ended", { egressInfo: info }));
  }

  /** Writes the egress's window of the track's audio; returns when the written file starts and ends (Unix ms), or undefined when nothing was. */
  private write(r: Running, audio: TrackAudio, trackEnded: boolean, nowMs: number, target: string): { startedMs: number; endedMs: number } | undefined {
    if (!fs.existsSync(audio.file) || fs.statSync(audio.file).size === 0) return undefined;
    const startedMs = audio.startedAtMs ?? this.firstEgressMs.get(r.trackSid) ?? r.startedMs;
    const speed = audio.speed ?? 1;
    // Seconds of the track's audio that had arrived at a moment.
    const arrived = (ms: number) => ((ms - startedMs) * speed) / 1000;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fromS = Math.max(0, arrived(r.startedMs));
    const live = !!audio.seconds;
    const toS = trackEnded && !live ? Infinity : arrived(nowMs);
    const endedMs = speed === 1 ? nowMs : startedMs + arrived(nowMs) * 1000;
    const cut = cutOggOpus(audio.file, target, fromS, toS);
    if (cut === "empty") return undefined;
    if (cut) return { startedMs: startedMs + cut.startS * 1000, endedMs };
    fs.copyFileSync(audio.file, target);
    return { startedMs, endedMs };
  }

  /** Claims of the Bearer token; undefined when there is none; null after answering 401. */
  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<Claims | undefined | null> {
    const header = req.headers.authorization;
    if (!header) return undefined;
    try {
      if (!header.startsWith("Bearer ")) throw new TokenError("invalid authorization header. Must start with Bearer ");
      return await this.keys.verify(header.slice("Bearer ".length));
    } catch (err) {
      res.writeHead(401, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(err instanceof TokenError ? err.message : "invalid authorization token");
      return null;
    }
  }
}

const REQUESTS = { StartTrackEgress: TrackEgressRequest, StopEgress: StopEgressRequest, ListEgress: ListEgressRequest } as const;

/** Uploads a recording as LiveKit Egress does with an `S3Upload`; returns the object's URL (FileInfo.location). */
async function uploadTo(s3: S3Upload, key: string, body: Buffer): Promise<string> {
  const client = new S3Client({
    region: s3.region || "us-east-1",
    endpoint: s3.endpoint || undefined,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secret },
  });
  try {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: "audio/ogg" }));
  } finally {
    client.destroy();
  }
  const base = s3.endpoint ? s3.endpoint.replace(/\/$/, "") : `https://s3.${s3.region || "us-east-1"}.amazonaws.com`;
  if (s3.forcePathStyle) return `${base}/${s3.bucket}/${key}`;
  const url = new URL(base);
  return `${url.protocol}//${s3.bucket}.${url.host}/${key}`;
}
