import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import type { Cluster, ClusterEvent, ClusterRoom, RoomLink } from "../collab/cluster.ts";
import { DocLink, type LinkHub } from "./DocLink.ts";
import { readControlMessage, readDocMessage, type ControlMessage } from "./messages.ts";
import { Presence, type LocalPresence } from "./Presence.ts";

/** Bytes of publishes sent to Redis and not yet answered; past this, publishes are dropped (receivers repair from storage). */
export const MAX_INFLIGHT_BYTES = 16 * 1024 * 1024;
/** Control events kept while Redis is unreachable, oldest dropped first (every process re-checks its connections on reconnect anyway). */
const MAX_QUEUED_EVENTS = 1000;
/** How long a compaction lock lives if its holder dies; a compaction is one storage call. */
const LOCK_MS = 30_000;
/** Each process says it is alive this often; one not heard from for PEER_TIMEOUT_MS is taken for dead. */
const ALIVE_MS = 1000;
const PEER_TIMEOUT_MS = 3500;
/** How long a room waits for its subscription before loading anyway (a repair follows once Redis is back). */
const SUBSCRIBE_WAIT_MS = 2000;
/** Deletes the lock only if it is still ours. */
const RELEASE_LOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** Where the cluster meets: REDIS_URL, and a prefix for its channels and keys. */
export interface RedisSettings {
  url: string;
  prefix: string;
}

/**
 * Several processes serving the same documents, through Redis pub/sub: a channel per loaded
 * document (updates, presence) and one control channel (access, sessions, deletions, notices,
 * liveness). Pub/sub, not streams: every update is stored before it is published, so storage is the
 * log and Redis only carries news; what Redis loses (restart, dropped connection, full buffer) is
 * detected by publisher sequence numbers, reconnects and liveness, and repaired from storage.
 */
export class RedisCluster implements Cluster, LinkHub {
  readonly id = randomBytes(6).toString("hex");
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly log: Logger;
  private readonly links = new Map<string, Set<DocLink>>();
  private readonly peers = new Map<string, number>();
  private handler: (event: ClusterEvent | { type: "recheck" }) => void = () => undefined;
  private queued: string[] = [];
  private inflight = 0;
  private incarnations = 0;
  private everReady = false;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** Counts for tests and metrics. */
  readonly stats = { published: 0, dropped: 0, received: 0, resyncs: 0 };
  /** Round trip of this process's own last "alive" message through Redis, and when it came back. */
  private lastRoundTripMs = 0;
  private lastHeardSelfAt = Date.now();
  private readonly presence: Presence;
  private localPresence: LocalPresence | undefined;
  private writingPresence = false;

  constructor(
    private readonly settings: RedisSettings,
    log: Logger,
  ) {
    this.log = log.child({ component: "cluster", process: this.id });
    const options = {
      // Fail fast while disconnected: nothing waits unbounded in a client-side queue.
      enableOfflineQueue: false,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    };
    this.pub = new Redis(settings.url, { ...options, connectionName: `confer-pub-${this.id}` });
    this.sub = new Redis(settings.url, { ...options, connectionName: `confer-sub-${this.id}` });
    let warned = false;
    const onError = (err: Error) => {
      if (!warned) this.log.warn({ err: err.message }, "Redis unreachable; retrying");
      warned = true;
    };
    this.presence = new Presence(this.pub, settings.prefix, this.id);
    this.pub.on("error", onError);
    this.sub.on("error", onError);
    this.pub.on("ready", () => {
      warned = false;
      // Redis may have restarted empty: every entry is written again.
      this.presence.reset();
      this.flushQueued();
      for (const set of this.links.values()) for (const link of set) link.announceHeads();
    });
    this.sub.on("ready", () => void this.subscribed());
    this.sub.on("messageBuffer", (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message));
    this.timer = setInterval(() => this.tick(), ALIVE_MS);
    this.timer.unref();
  }

  /** Resolves once both connections are up, or after `waitMs` (the server starts anyway and keeps retrying). */
  async started(waitMs = 5000): Promise<void> {
    const up = (r: Redis) => (r.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => r.once("ready", () => resolve())));
    await Promise.race([Promise.all([up(this.pub), up(this.sub)]), new Promise((r) => setTimeout(r, waitMs).unref())]);
  }

  private get control(): string {
    return `${this.settings.prefix}control`;
  }

  private docChannel(docId: string): string {
    return `${this.settings.prefix}doc:${docId}`;
  }

  onEvent(handler: (event: ClusterEvent | { type: "recheck" }) => void): void {
    this.handler = handler;
  }

  link(room: ClusterRoom): RoomLink {
    const channel = this.docChannel(room.docId);
    const link = new DocLink(this, room, channel, ++this.incarnations);
    let set = this.links.get(channel);
    if (!set) {
      set = new Set();
      this.links.set(channel, set);
      if (this.sub.status === "ready") {
        const subscribing = this.sub.subscribe(channel).then(
          () => undefined,
          // Not subscribed: the next "ready" subscribes it and repairs the room.
          (err: Error) => this.log.warn({ err: err.message, channel }, "could not subscribe"),
        );
        link.ready = Promise.race([subscribing, new Promise<void>((r) => setTimeout(r, SUBSCRIBE_WAIT_MS).unref())]);
      }
    } else if (this.sub.status === "ready") {
      // Already subscribed for an earlier room of the document (unloading): wait until that subscription is surely active.
      link.ready = this.sub.ping().then(
        () => undefined,
        () => undefined,
      );
    }
    set.add(link);
    return link;
  }

  unlink(link: DocLink): void {
    const set = this.links.get(link.channel);
    if (!set?.delete(link) || set.size > 0) return;
    this.links.delete(link.channel);
    if (this.sub.status === "ready") this.sub.unsubscribe(link.channel).catch(() => undefined);
  }

  broadcast(event: ClusterEvent): void {
    const raw = JSON.stringify({ kind: "event", from: this.id, event } satisfies ControlMessage);
    if (this.pub.status !== "ready") return this.queue(raw);
    this.pub.publish(this.control, raw).catch(() => this.queue(raw));
  }

  private queue(raw: string): void {
    this.queued.push(raw);
    if (this.queued.length > MAX_QUEUED_EVENTS) this.queued.shift();
  }

  private flushQueued(): void {
    const queued = this.queued;
    this.queued = [];
    for (const raw of queued) this.pub.publish(this.control, raw).catch(() => this.queue(raw));
  }

  publish(channel: string, data: Uint8Array, dropped: () => void): void {
    if (this.closed || this.pub.status !== "ready" || this.inflight + data.length > MAX_INFLIGHT_BYTES) {
      this.stats.dropped++;
      dropped();
      return;
    }
    const n = data.length;
    this.inflight += n;
    this.stats.published++;
    this.pub.publish(channel, Buffer.from(data.buffer, data.byteOffset, data.byteLength)).then(
      () => (this.inflight -= n),
      () => {
        this.inflight -= n;
        this.stats.dropped++;
        dropped();
      },
    );
  }

  async exclusive(docId: string, fold: () => Promise<void>): Promise<boolean> {
    const key = `${this.settings.prefix}lock:compact:${docId}`;
    const token = randomBytes(12).toString("hex");
    try {
      if ((await this.pub.set(key, token, "PX", LOCK_MS, "NX")) !== "OK") return false;
    } catch {
      return false;
    }
    try {
      await fold();
    } finally {
      await this.pub.eval(RELEASE_LOCK, 1, key, token).catch(() => undefined);
    }
    return true;
  }

  /** The subscriber (re)connected: subscribe every channel, then repair every room and re-check connections (news may have been missed). */
  private async subscribed(): Promise<void> {
    try {
      await this.sub.subscribe(this.control, ...this.links.keys());
    } catch (err) {
      this.log.warn({ err }, "could not subscribe; waiting for the next reconnect");
      return;
    }
    const now = Date.now();
    for (const peer of this.peers.keys()) this.peers.set(peer, now);
    if (!this.everReady) {
      this.everReady = true;
      // Rooms that loaded before Redis was first reachable.
      for (const set of this.links.values()) for (const link of set) link.resync();
      return;
    }
    this.stats.resyncs++;
    this.log.info({ rooms: this.links.size }, "Redis reconnected; repairing rooms from storage");
    for (const set of this.links.values()) for (const link of set) link.resync();
    this.handler({ type: "recheck" });
  }

  private onMessage(channel: string, message: Buffer): void {
    if (this.closed) return;
    this.stats.received++;
    if (channel === this.control) return this.onControl(message.toString());
    const set = this.links.get(channel);
    if (!set) return;
    let msg;
    try {
      msg = readDocMessage(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    } catch (err) {
      this.log.warn({ err, channel }, "malformed message on a document channel");
      return;
    }
    for (const link of set) link.receive(msg, message.length);
  }

  private onControl(raw: string): void {
    const msg = readControlMessage(raw);
    if (msg?.kind === "alive" && msg.from === this.id && msg.sentAt !== undefined) {
      this.lastHeardSelfAt = Date.now();
      this.lastRoundTripMs = Math.max(0, this.lastHeardSelfAt - msg.sentAt);
    }
    if (!msg || msg.from === this.id) return;
    this.peers.set(msg.from, Date.now());
    if (msg.kind === "event") this.handler(msg.event);
  }

  trackPresence(local: LocalPresence): void {
    this.localPresence = local;
  }

  async connectedUsers(docId: string): Promise<Set<string>> {
    if (this.pub.status !== "ready") return new Set();
    return this.presence.others(docId, (peer) => this.peers.has(peer));
  }

  /** Writes who is connected here (one write at a time; a failed one is simply done again next tick). */
  private writePresence(): void {
    if (!this.localPresence || this.writingPresence || this.pub.status !== "ready") return;
    this.writingPresence = true;
    this.presence
      .write(this.localPresence())
      .catch(() => this.presence.reset())
      .finally(() => (this.writingPresence = false));
  }

  /** Says this process is alive; a peer gone quiet has died: what it stored but did not publish is repaired from storage. */
  private tick(): void {
    if (this.pub.status === "ready") this.pub.publish(this.control, JSON.stringify({ kind: "alive", from: this.id, sentAt: Date.now() } satisfies ControlMessage)).catch(() => undefined);
    this.writePresence();
    if (this.sub.status !== "ready") return;
    const now = Date.now();
    for (const [peer, seen] of this.peers) {
      if (now - seen < PEER_TIMEOUT_MS) continue;
      this.peers.delete(peer);
      this.log.info({ peer }, "process gone quiet; repairing its documents from storage");
      for (const set of this.links.values()) for (const link of set) link.processGone(peer);
    }
  }

  /**
   * How far behind this process hears the cross-process channel, in ms: the round trip of its own
   * last liveness message through Redis, or, while none has come back for longer than a beat, the
   * time since one did (so a stalled subscription shows as a growing lag).
   */
  lagMs(): number {
    const silent = Date.now() - this.lastHeardSelfAt - ALIVE_MS;
    return Math.max(this.lastRoundTripMs, silent);
  }

  /** Answers once Redis does (for /healthz). */
  async ping(): Promise<void> {
    await this.pub.ping();
    if (this.sub.status !== "ready") throw new Error(`subscription ${this.sub.status}`);
  }

  /** Stops (after the sync server has closed its rooms). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.pub.status === "ready") await this.presence.clear().catch(() => undefined);
    await Promise.all([this.pub.quit().catch(() => this.pub.disconnect()), this.sub.quit().catch(() => this.sub.disconnect())]);
  }
}
