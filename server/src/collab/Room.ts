import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import { META_MAP, SCHEMA_VERSION, SCHEMA_VERSION_KEY, type CloseEvent } from "@confer/shared";
import type { Logger } from "../logger.ts";
import { AwarenessGuard, MAX_AWARENESS_STATE_BYTES } from "./AwarenessGuard.ts";
import type { Cluster, ClusterRoom, RoomLink } from "./cluster.ts";
import { Connection } from "./Connection.ts";
import { RoomLog, type LoggedUpdate, type RoomStorage } from "./RoomLog.ts";
import { RoomSync } from "./RoomSync.ts";
import { StateCache } from "./StateCache.ts";
import { REMOTE_ORIGIN, RoomReplica } from "./RoomReplica.ts";
import { ProtocolError, readAwarenessUpdate, writeAwareness, writeAwarenessUpdate, writeSync, SyncType } from "./protocol.ts";

/** Marks the transaction that loads stored state, which must not be written back. */
const LOAD_ORIGIN = Symbol("load");
/** Marks changes the server makes itself (the schema version stamp). */
const SERVER_ORIGIN = Symbol("server");
/** How a failed room closes its connections: not final, the clients reconnect and resync. */
const SAVE_FAILED: CloseEvent = { code: 1011, reason: "The server could not save changes.", final: false };

/**
 * Where a room is in its life. loading → live → unloading → gone; any state but gone → failed → gone;
 * a deleted document's room goes straight to gone. Only `transition` changes it.
 */
export type RoomState = "loading" | "live" | "unloading" | "failed" | "gone";

let rooms = 0;

const NEXT: Record<RoomState, readonly RoomState[]> = {
  loading: ["live", "failed", "gone"],
  live: ["unloading", "failed", "gone"],
  unloading: ["gone", "failed"],
  failed: ["gone"],
  gone: [],
};

/** What a room needs from the registry that holds it. */
export interface RoomHost {
  /** Whether `room` is still the registry's room for its document. */
  isCurrent(room: Room): boolean;
  /** The room is gone: remove it from the registry if it is still the entry. */
  remove(room: Room): void;
}

/** Settings a room needs from the server. */
export interface RoomOptions {
  docId: string;
  storage: RoomStorage;
  log: Logger;
  host: RoomHost;
  compactAfterUpdates: number;
  unloadAfterMs: number;
  /** Other processes serving the same documents (REDIS_URL); absent on a single process. */
  cluster?: Cluster;
}

/** Counts a room exposes for health checks and tests. */
export interface RoomStats {
  /** Which room this is: every room of the process gets its own number. */
  serial: number;
  state: RoomState;
  connections: number;
  awarenessStates: number;
  awarenessBytes: number;
  ownedClientIds: number;
  encodes: number;
  /** Sync answers sent to the connections open now. */
  syncAnswers: number;
  pendingStructs: boolean;
  appliedVersion: number;
  storedVersion: number;
}

/**
 * One loaded document with its own identity: its Y.Doc, presence, connections and write-through
 * log. Timers, flushes and compactions act only while the room is still its document's room, and a
 * failed room is torn down whole before another room of the document may load.
 */
export class Room implements ClusterRoom {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<Connection>();
  readonly docId: string;
  /** Which room this is: every room of the process gets its own number. */
  readonly serial = ++rooms;
  /** Resolves when the room is live; rejects if it fails or is deleted while loading. */
  readonly ready: Promise<void>;
  /** Resolves when the room is gone and its last storage call has settled. */
  readonly gone: Promise<void>;
  private current: RoomState = "loading";
  private readonly guard = new AwarenessGuard();
  private readonly cache = new StateCache(this.doc);
  private readonly log: RoomLog;
  private readonly sync: RoomSync;
  private readonly logger: Logger;
  private unloadTimer: NodeJS.Timeout | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private settleReady!: (ok: boolean) => void;
  private settleGone!: () => void;
  private tornDown = false;
  /** This room's link to the other processes (cluster only). */
  private link: RoomLink | undefined;
  /** What other processes stored reaches this room through it (cluster only). */
  private readonly replica: RoomReplica;

  constructor(private readonly opts: RoomOptions) {
    this.docId = opts.docId;
    this.logger = opts.log.child({ doc: opts.docId });
    this.awareness.setLocalState(null);
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (ok) => (ok ? resolve() : reject(new Error(`room ${this.docId} did not open`)));
    });
    this.ready.catch(() => undefined);
    this.gone = new Promise<void>((resolve) => (this.settleGone = resolve));
    this.log = new RoomLog(opts.docId, opts.storage, opts.compactAfterUpdates, {
      mayWrite: () => (this.current === "live" || this.current === "unloading") && opts.host.isCurrent(this),
      stored: (batch) => this.broadcast(batch),
      snapshot: () => this.cache.fullState(this.log.appliedVersion),
      failed: (err) => this.fail(err),
      ...(opts.cluster ? { exclusive: (fold: () => Promise<void>) => this.link!.exclusive(fold), catchUp: () => this.replica.catchUp() } : {}),
    });
    const active = () => this.current === "live" || this.current === "unloading";
    this.replica = new RoomReplica({
      docId: opts.docId,
      doc: this.doc,
      awareness: this.awareness,
      guard: this.guard,
      cache: this.cache,
      connections: this.connections,
      storage: opts.storage,
      logger: this.logger,
      active,
      live: () => this.current === "live",
      isCurrent: () => opts.host.isCurrent(this),
    });
    this.sync = new RoomSync(this.doc, this.log, this.cache, this.logger);
  }

  /** Where the room is in its life. */
  get state(): RoomState {
    return this.current;
  }

  private transition(to: RoomState): void {
    if (!NEXT[this.current].includes(to)) throw new Error(`room ${this.docId}: ${this.current} → ${to} is not a transition`);
    this.logger.debug({ from: this.current, to }, "room state");
    this.current = to;
    if (to === "live") this.settleReady(true);
    else if (to !== "unloading") this.settleReady(false);
  }

  /** Loads the stored state. The registry starts it only once the previous room of the document is gone. */
  async load(): Promise<void> {
    try {
      if (this.opts.cluster) {
        // Listen first, then read: whatever is published after the read is heard.
        this.link = this.opts.cluster.link(this);
        await this.link.ready;
        if (this.current !== "loading") return;
      }
      const stored = await this.opts.storage.load(this.docId);
      if (this.current !== "loading") return;
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
      // One transaction over all parts: linear in the log, where Y.mergeUpdates is not (20k entries: 50 ms vs 6 s).
      Y.transact(this.doc, () => {
        for (const part of parts) Y.applyUpdate(this.doc, part, LOAD_ORIGIN);
      }, LOAD_ORIGIN);
      this.log.loaded(stored);
      this.doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin === LOAD_ORIGIN) return;
        if (origin === REMOTE_ORIGIN) this.replica.remoteApplied(update);
        else this.log.record(update, origin);
      });
      this.awareness.on("update", (changes: AwarenessChanges, origin: unknown) => this.onAwarenessUpdate(changes, origin));
      this.stampSchemaVersion();
      this.transition("live");
      this.link?.live();
      // A long log left by a crash is folded soon, but not ahead of the first client's sync reply.
      if (this.log.length >= this.opts.compactAfterUpdates) {
        this.compactTimer = setTimeout(() => this.opts.host.isCurrent(this) && this.log.compactSoon(), 1000).unref();
      }
      if (this.connections.size === 0) this.scheduleUnload();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Marks the document as written with this server's schema, as a stored update. */
  private stampSchemaVersion(): void {
    const meta = this.doc.getMap(META_MAP);
    const version = meta.get(SCHEMA_VERSION_KEY);
    if (typeof version === "number" && version >= SCHEMA_VERSION) return;
    this.doc.transact(() => meta.set(SCHEMA_VERSION_KEY, SCHEMA_VERSION), SERVER_ORIGIN);
  }

  /**
   * Makes a change of the server's own (the minutes writer) in one transaction: stored before it is
   * broadcast to every connection, like any update. Resolves with what `change` returned once the
   * change is stored; rejects if the room is not live or fails before it is stored.
   */
  async applyServerChange<T>(change: (doc: Y.Doc) => T): Promise<T> {
    if (this.current !== "live") throw new Error(`room ${this.docId} is ${this.current}`);
    const before = this.log.appliedVersion;
    let result!: T;
    this.doc.transact(() => {
      result = change(this.doc);
    }, SERVER_ORIGIN);
    const version = this.log.appliedVersion;
    if (version === before) return result;
    const gone = this.gone.then(() => {
      throw new Error(`room ${this.docId} closed before the change was stored`);
    });
    await Promise.race([this.log.whenStored(version), gone]);
    return result;
  }

  /** Adds a connection and starts the sync handshake with it. Throws unless the room is live. */
  join(conn: Connection): void {
    if (this.current !== "live") throw new Error(`room ${this.docId} is ${this.current}`);
    this.cancelUnload();
    this.connections.add(conn);
    conn.notify(conn.accessNotice());
    conn.send(writeSync(SyncType.Step1, Y.encodeStateVector(this.doc)));
    const states = this.awareness.getStates();
    if (states.size > 0) conn.send(writeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
  }

  /** Removes a connection and its presence; the last one out starts the unload timer. */
  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    const ids = this.guard.release(conn);
    if (ids.length && this.current !== "gone") awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
    if (this.connections.size === 0) this.scheduleUnload();
  }

  /** Handles one frame from a connection. Bad frames are refused here and never reach the document. */
  receive(conn: Connection, data: Uint8Array): void {
    if (conn.closed || !this.connections.has(conn) || this.current !== "live") return;
    const next = this.sync.receive(conn, data);
    switch (next?.type) {
      case undefined:
        return;
      case "awareness":
        try {
          this.receiveAwareness(conn, next.update);
        } catch (err) {
          conn.refused(err instanceof ProtocolError ? err.message : "invalid awareness update");
        }
        return;
      case "queryAwareness":
        conn.send(writeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
        return;
      case "closed":
        this.leave(conn);
        return;
    }
  }

  /** Applies a client's awareness with its real identity stamped in; ids owned by others, and oversized states, are dropped. */
  private receiveAwareness(conn: Connection, update: Uint8Array): void {
    const { entries, oversize } = readAwarenessUpdate(update, MAX_AWARENESS_STATE_BYTES);
    if (oversize) conn.refused("awareness state too large");
    const allowed = this.guard.admit(conn, entries);
    if (!allowed.length) return;
    for (const e of allowed) if (e.state) e.state = { ...e.state, user: conn.identity };
    awarenessProtocol.applyAwarenessUpdate(this.awareness, writeAwarenessUpdate(allowed), conn);
  }

  private onAwarenessUpdate({ added, updated, removed }: AwarenessChanges, origin: unknown): void {
    const states = this.awareness.getStates();
    for (const id of added.concat(updated)) this.guard.held(id, Buffer.byteLength(JSON.stringify(states.get(id) ?? null)));
    for (const id of removed) this.guard.held(id, 0);
    if (this.current !== "live" && this.current !== "unloading") return;
    const changed = added.concat(updated, removed);
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const message = writeAwareness(update);
    for (const conn of this.connections) conn.send(message);
    if (origin !== REMOTE_ORIGIN) this.link?.publishAwareness(update);
  }


  applyRemote(updates: Uint8Array[]): void {
    this.replica.applyRemote(updates);
  }

  applyRemoteAwareness(update: Uint8Array): void {
    this.replica.applyRemoteAwareness(update);
  }

  localAwareness(): Uint8Array | null {
    return this.replica.localAwareness();
  }

  dropRemoteAwareness(clientIds: number[]): void {
    this.replica.dropRemoteAwareness(clientIds);
  }

  repair(): void {
    this.replica.repair();
  }

  /** Sends stored updates to everyone but their sender. */
  private broadcast(batch: LoggedUpdate[]): void {
    for (const { update, origin } of batch) {
      const message = writeSync(SyncType.Update, update);
      for (const conn of this.connections) if (conn !== origin) conn.send(message);
    }
    this.link?.publishUpdates(batch.map((b) => b.update));
  }

  private scheduleUnload(): void {
    if (this.current !== "live" || this.unloadTimer) return;
    this.unloadTimer = setTimeout(() => {
      this.unloadTimer = undefined;
      if (this.connections.size === 0 && this.opts.host.isCurrent(this)) void this.unload();
    }, this.opts.unloadAfterMs);
    this.unloadTimer.unref();
  }

  /** Stops the unload timer (someone is joining). */
  cancelUnload(): void {
    clearTimeout(this.unloadTimer);
    this.unloadTimer = undefined;
  }

  /** Stores what is queued, folds the log, and frees the document. For a live room only. */
  async unload(): Promise<void> {
    if (this.current !== "live") return this.gone;
    this.transition("unloading");
    this.clearTimers();
    await this.log.finish();
    // A failure (or a deletion) while unloading tears the room down itself.
    if (this.state === "unloading") this.teardown();
    return this.gone;
  }

  /** Closes every connection with `event`, then unloads (graceful shutdown). */
  async shutdown(event: CloseEvent): Promise<void> {
    for (const conn of [...this.connections]) {
      conn.close(event);
      this.connections.delete(conn);
    }
    if (this.current === "loading") {
      this.transition("gone");
      this.teardown();
    }
    await this.unload();
  }

  /** Storage failed: nothing more is stored or sent; clients reconnect into a fresh room once this one is gone. */
  fail(err: unknown): void {
    if (this.current === "failed" || this.current === "gone") return;
    this.logger.error({ err }, "could not store document update; dropping room");
    this.transition("failed");
    this.clearTimers();
    for (const conn of this.connections) conn.close(SAVE_FAILED);
    this.connections.clear();
    void this.log.stop().then(() => this.teardown());
  }

  /**
   * The document was deleted: gone at once, without storing or folding anything; its connections are
   * closed with `event` and nothing they send is processed. Resolves once the storage call in flight
   * (if any) has settled, so what it wrote can be deleted after it.
   */
  async destroy(event: CloseEvent): Promise<void> {
    if (this.current !== "gone" && this.current !== "failed") this.transition("gone");
    this.clearTimers();
    for (const conn of this.connections) conn.close(event);
    this.connections.clear();
    await this.log.stop();
    this.teardown();
  }

  private clearTimers(): void {
    this.cancelUnload();
    clearTimeout(this.compactTimer);
    this.compactTimer = undefined;
  }

  /** Frees everything once the room is done with storage. */
  private teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    this.link?.close();
    if (this.current !== "gone") this.transition("gone");
    this.clearTimers();
    void this.log.stop();
    this.cache.clear();
    this.awareness.destroy();
    this.doc.destroy();
    this.opts.host.remove(this);
    this.settleGone();
  }

  /** Counts for health checks and tests. */
  stats(): RoomStats {
    return {
      serial: this.serial,
      state: this.current,
      connections: this.connections.size,
      awarenessStates: this.awareness.getStates().size,
      awarenessBytes: this.guard.bytesHeld,
      ownedClientIds: this.guard.ownedIds,
      encodes: this.cache.encodes,
      syncAnswers: [...this.connections].reduce((n, c) => n + c.syncAnswers, 0),
      pendingStructs: this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null,
      appliedVersion: this.log.appliedVersion,
      storedVersion: this.log.storedVersion,
    };
  }
}

type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };
