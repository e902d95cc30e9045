import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import type * as Y from "yjs";
import { CloseCodes, type CloseEvent, type Notice } from "@confer/shared";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Authenticator } from "../auth/session.ts";
import type { DocumentStore } from "../store/documents.ts";
import { syncMode } from "../policies/index.ts";
import { admit, refuseUpgrade, type Admitted } from "./admission.ts";
import { Connection } from "./Connection.ts";
import { ByteMeter, EarlyFrames } from "./EarlyFrames.ts";
import type { Room, RoomStats } from "./Room.ts";
import type { RoomStorage } from "./RoomLog.ts";
import { RoomRegistry, RoomUnavailable } from "./RoomRegistry.ts";
import { SessionSockets } from "./SessionSockets.ts";
import type { Cluster, ClusterEvent } from "./cluster.ts";

/** Close for a client that sent more than the early-frame bound before its document opened. */
const TOO_EARLY: CloseEvent = { code: 1008, reason: "Too much was sent before the document opened.", final: false };
/** Close when a document could not be opened (storage failed); the client retries. */
const OPEN_FAILED: CloseEvent = { code: 1011, reason: "The server could not open this document.", final: false };

/** What the sync server is built from. */
export interface CollabDeps {
  config: Config;
  log: Logger;
  auth: Authenticator;
  documents: DocumentStore;
  storage: RoomStorage;
  /** Other processes serving the same documents (REDIS_URL); absent on a single process. */
  cluster?: Cluster;
}

/** Counts the sync server exposes for health checks and tests. */
export interface CollabStats {
  rooms: number;
  /** Sessions with open connections. */
  sessions: number;
  /** Bytes of frames held for connections whose document is still loading, now and at most. */
  earlyBytes: number;
  earlyBytesPeak: number;
}

/**
 * The sync server at `/collab/<docId>`: the y-websocket protocol over y-protocols. Admission is
 * decided in the HTTP upgrade (session cookie, document, policies); only admitted sockets become
 * WebSockets. Connections end with their session, their access, or their document.
 */
export class CollabServer {
  private readonly wss: WebSocketServer;
  private readonly registry: RoomRegistry;
  private readonly sessions: SessionSockets;
  private readonly roomOf = new WeakMap<Connection, Room>();
  private readonly early = new ByteMeter();
  private readonly log: Logger;
  /** Bumped by every change of access, session or existence, so a connection admitted before it re-checks. */
  private epoch = 0;
  private closing = false;

  constructor(private readonly deps: CollabDeps) {
    this.log = deps.log.child({ component: "collab" });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.maxMessageBytes });
    this.registry = new RoomRegistry({
      storage: deps.storage,
      log: this.log,
      compactAfterUpdates: deps.config.compactAfterUpdates,
      unloadAfterMs: deps.config.unloadAfterMs,
      cluster: deps.cluster,
    });
    this.sessions = new SessionSockets((conn) => this.disconnect(conn, CloseCodes.SessionEnded));
    deps.cluster?.onEvent((event) => void this.onClusterEvent(event));
    deps.cluster?.trackPresence(() => this.localUsers());
  }

  /** The user ids connected to each loaded document on this process. */
  private localUsers(): Map<string, Set<string>> {
    const users = new Map<string, Set<string>>();
    for (const room of this.registry.all()) if (room.connections.size) users.set(room.docId, new Set([...room.connections].map((c) => c.user.id)));
    return users;
  }

  /**
   * Another process changed access, ended a session, deleted a document or sent a notice: the same
   * local work as there, decided again here by the policies. "recheck" follows a time when events
   * may have been missed (Redis unreachable): every open connection is checked again.
   */
  private async onClusterEvent(event: ClusterEvent | { type: "recheck" }): Promise<void> {
    try {
      switch (event.type) {
        case "access":
          return await this.refreshLocal(event.docId, event.userId);
        case "session":
          this.epoch++;
          this.sessions.endSession(event.idHash);
          return;
        case "deleted":
          this.epoch++;
          // The process that deleted it removed the stored data; here the room only goes.
          return await this.registry.delete(event.docId, CloseCodes.NotFound, () => Promise.resolve());
        case "notice":
          return this.notifyLocal(event.docId, event.notice);
        case "recheck":
          return await this.recheckAll();
        default:
          return assertNever(event);
      }
    } catch (err) {
      this.log.error({ err, event: event.type }, "could not apply an event from another process");
    }
  }

  /** Checks every open connection's session and access again (after cluster events may have been missed). */
  private async recheckAll(): Promise<void> {
    this.epoch++;
    for (const room of this.registry.all()) {
      for (const conn of [...room.connections]) {
        if (conn.closed) continue;
        if (!(await this.deps.auth.isLive(conn.session.idHash))) this.disconnect(conn, CloseCodes.SessionEnded);
        else await this.applyAccess(conn, room);
      }
    }
  }

  /** Number of documents held in memory. */
  get loadedDocuments(): number {
    return this.registry.size;
  }

  /** Open sync connections (WebSockets), admitted or still opening their document. */
  get connections(): number {
    return this.wss.clients.size;
  }

  /** Whether a document is held in memory right now. */
  isLoaded(docId: string): boolean {
    return this.registry.get(docId) !== undefined;
  }

  /** Handles an HTTP upgrade: admits it (or answers 4xx) before any WebSocket exists. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    // Read nothing from the client until it is admitted and its document is open.
    socket.pause();
    const onError = (err: Error) => this.log.debug({ err: err.message }, "socket error during admission");
    socket.on("error", onError);
    const epoch = this.epoch;
    void (async () => {
      let admission: Admitted | { ok: false; status: number; why: string };
      try {
        const { auth, documents, config } = this.deps;
        admission = this.closing ? { ok: false, status: 503, why: "shutting down" } : await admit(req, secure, { publicUrl: config.publicUrl, auth, documents });
      } catch (err) {
        this.log.error({ err }, "could not admit a connection");
        admission = { ok: false, status: 503, why: "admission failed" };
      }
      if (admission.ok && (this.closing || this.registry.isDeleting(admission.docId))) admission = { ok: false, status: this.closing ? 503 : 404, why: "closing or deleted" };
      if (!admission.ok) {
        this.log.debug({ status: admission.status, why: admission.why }, "refused WebSocket upgrade");
        refuseUpgrade(socket, admission.status);
        return;
      }
      const admitted = admission;
      if (socket.destroyed) return;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        socket.removeListener("error", onError);
        this.accept(ws, admitted, epoch);
      });
    })();
  }

  private accept(ws: WebSocket, a: Admitted, epoch: number): void {
    ws.pause();
    const conn = new Connection(ws, a, this.log.child({ doc: a.docId }), new EarlyFrames(this.deps.config.maxMessageBytes, this.early));
    this.sessions.add(conn);
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (conn.closed) return;
      if (!isBinary) return conn.refused("text frame");
      const bytes = toBytes(data);
      const room = this.roomOf.get(conn);
      if (room) room.receive(conn, bytes);
      else if (!conn.early.push(bytes)) {
        conn.log.warn({ user: conn.user.id }, "too much sent before the document opened; closing");
        conn.close(TOO_EARLY);
      }
    });
    ws.on("error", (err) => conn.log.warn({ err: err.message }, "socket error"));
    ws.on("close", () => {
      conn.closed = true;
      conn.early.clear();
      this.sessions.remove(conn);
      this.roomOf.get(conn)?.leave(conn);
    });
    void this.join(conn, a.docId, epoch);
  }

  /** Opens the document for an admitted connection, then lets its waiting frames in. */
  private async join(conn: Connection, docId: string, epoch: number): Promise<void> {
    try {
      // Access, sessions or the document changed while this connection was being admitted.
      if (epoch !== this.epoch) {
        epoch = this.epoch;
        if (!(await this.stillAdmitted(conn, docId))) return;
      }
      const room = await this.registry.acquire(docId);
      if (conn.closed) return;
      room.join(conn);
      this.roomOf.set(conn, room);
      for (const frame of conn.early.take()) room.receive(conn, frame);
      conn.ws.resume();
      if (epoch !== this.epoch) await this.applyAccess(conn, room);
    } catch (err) {
      if (err instanceof RoomUnavailable && err.reason !== "failed") {
        conn.close(err.reason === "deleted" ? CloseCodes.NotFound : CloseCodes.ShuttingDown);
        return;
      }
      this.log.error({ err, doc: docId }, "could not open document");
      conn.close(OPEN_FAILED);
    }
  }

  /** Whether an admitted connection's session, document and access still hold; closes it if not. */
  private async stillAdmitted(conn: Connection, docId: string): Promise<boolean> {
    if (!(await this.deps.auth.isLive(conn.session.idHash))) {
      conn.close(CloseCodes.SessionEnded);
      return false;
    }
    const doc = await this.deps.documents.findFor(docId, conn.user.id);
    if (!doc) conn.close(CloseCodes.NotFound);
    else if (syncMode({ user: conn.user, role: doc.role }) === "none") conn.close(CloseCodes.Forbidden);
    return !conn.closed;
  }

  /** Closes a connection and takes it out of its room at once. */
  private disconnect(conn: Connection, event: CloseEvent): void {
    conn.close(event);
    this.roomOf.get(conn)?.leave(conn);
  }

  /** Re-reads one connection's role and applies it: read-only on or off, or closed with 4410. */
  private async applyAccess(conn: Connection, room: Room): Promise<void> {
    const doc = await this.deps.documents.findFor(room.docId, conn.user.id);
    const mode = syncMode({ user: conn.user, role: doc?.role });
    if (mode === "none" || !doc?.role) {
      conn.mode = "read";
      this.disconnect(conn, CloseCodes.AccessRevoked);
    } else if (doc.role !== conn.role || mode !== conn.mode) {
      conn.setRole(doc.role, mode);
    }
  }

  /**
   * Re-reads the role of `userId` (or of everyone) in a document and applies it to open connections:
   * read-only switches on or off at once, and a person who lost access is disconnected with 4410.
   * Resolves once every affected connection has been updated.
   */
  async refreshAccess(docId: string, userId?: string): Promise<void> {
    this.deps.cluster?.broadcast({ type: "access", docId, ...(userId ? { userId } : {}) });
    await this.refreshLocal(docId, userId);
  }

  /** `refreshAccess` on this process only. */
  private async refreshLocal(docId: string, userId?: string): Promise<void> {
    this.epoch++;
    const room = this.registry.get(docId);
    for (const conn of [...(room?.connections ?? [])]) {
      if (!userId || conn.user.id === userId) await this.applyAccess(conn, room!);
    }
  }

  /**
   * Deletes a document's live state and then its stored data: the room is dropped without storing
   * or folding anything, its sockets are closed with 4404 and nothing more they send is processed,
   * and `remove` (which deletes the stored rows) runs once the room's last storage call has settled.
   * No connection can open the document meanwhile.
   */
  async deleteDocument(docId: string, remove: () => Promise<void>): Promise<void> {
    this.epoch++;
    await this.registry.delete(docId, CloseCodes.NotFound, remove);
    this.deps.cluster?.broadcast({ type: "deleted", docId });
  }

  /** A sign-in session ended (sign-out): closes its connections with 4440. Returns how many. */
  endSession(idHash: string): number {
    this.epoch++;
    this.deps.cluster?.broadcast({ type: "session", idHash });
    return this.sessions.endSession(idHash);
  }

  /** Sends a notice to every connection of a document that asked for notices. */
  async notifyAll(docId: string, notice: Notice): Promise<void> {
    this.deps.cluster?.broadcast({ type: "notice", docId, notice });
    this.notifyLocal(docId, notice);
  }

  private notifyLocal(docId: string, notice: Notice): void {
    for (const conn of this.registry.get(docId)?.connections ?? []) conn.notify(notice);
  }

  /**
   * Runs `change` on a document's live state as the server (loading the document if nobody has it
   * open): one transaction, stored before it reaches open pages, durable once this resolves. A
   * document with nobody connected unloads again on its own timer.
   */
  async edit<T>(docId: string, change: (doc: Y.Doc) => T): Promise<T> {
    if (this.closing) throw new RoomUnavailable("closing");
    const room = await this.registry.acquire(docId);
    return room.applyServerChange(change);
  }

  /** Connections currently open to a document, by user id; used for presence. */
  /** Who is connected to a document, on this process and (several processes) on the others. */
  async connectedUserIds(docId: string): Promise<Set<string>> {
    const here = new Set([...(this.registry.get(docId)?.connections ?? [])].map((c) => c.user.id));
    if (!this.deps.cluster) return here;
    try {
      for (const id of await this.deps.cluster.connectedUsers(docId)) here.add(id);
    } catch (err) {
      // Redis unreachable: the member list shows who is connected here, and still answers.
      this.log.debug({ err }, "could not read presence from the other processes");
    }
    return here;
  }

  /** Counts for health checks and tests. */
  stats(): CollabStats {
    return { rooms: this.registry.size, sessions: this.sessions.size, earlyBytes: this.early.held, earlyBytesPeak: this.early.peak };
  }

  /** Counts of one document's room, if it is loaded. */
  roomStats(docId: string): RoomStats | undefined {
    return this.registry.stats(docId);
  }

  /** Graceful shutdown: tells clients to reconnect later, then stores and folds every document. */
  async close(): Promise<void> {
    this.closing = true;
    await this.registry.shutdown(CloseCodes.ShuttingDown);
    this.sessions.clear();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function assertNever(x: never): never {
  throw new Error(`unknown cluster event ${JSON.stringify(x)}`);
}
