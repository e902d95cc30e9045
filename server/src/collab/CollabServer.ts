import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import { CloseCodes, type CloseEvent, type Notice } from "@confer/shared";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Authenticator } from "../auth/session.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { DocumentStorage } from "../store/DocumentStorage.ts";
import { isAllowedOrigin } from "../http/origin.ts";
import { syncMode } from "../policies/index.ts";
import { ID_PATTERN } from "../store/ids.ts";
import { Connection } from "./Connection.ts";
import { Room } from "./Room.ts";

/** Frames a client may send while its document is still loading. */
const MAX_EARLY_FRAMES = 1000;

export interface CollabDeps {
  config: Config;
  log: Logger;
  auth: Authenticator;
  documents: DocumentStore;
  storage: DocumentStorage;
}

/**
 * The sync server at `/collab/<docId>`: the y-websocket protocol over y-protocols, with every
 * connection authenticated from its session cookie and authorised by the document policies.
 */
export class CollabServer {
  private readonly wss: WebSocketServer;
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  /** Bumped by every `refreshAccess`, so a connection authorised just before a change re-checks after joining. */
  private readonly accessEpochs = new Map<string, number>();
  private readonly log: Logger;
  private closing = false;

  constructor(private readonly deps: CollabDeps) {
    this.log = deps.log.child({ component: "collab" });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.maxMessageBytes });
  }

  /** Number of documents held in memory. */
  get loadedDocuments(): number {
    return this.rooms.size;
  }

  /** Whether a document is held in memory right now. */
  isLoaded(docId: string): boolean {
    return this.rooms.has(docId);
  }

  /** Handles an HTTP upgrade; anything but `/collab/<id>` from an allowed Origin is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const match = /^\/collab\/([^/]+)$/.exec(path);
    if (!match || this.closing) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    if (!isAllowedOrigin(req, this.deps.config.publicUrl, secure)) {
      this.log.warn({ origin: req.headers.origin }, "refused WebSocket from another origin");
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    let docId: string;
    try {
      docId = decodeURIComponent(match[1]!);
    } catch {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    const wantsNotices = new URLSearchParams((req.url ?? "").split("?")[1] ?? "").get("notices") === "1";
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.onConnection(ws, req, docId, wantsNotices));
  }

  private async onConnection(ws: WebSocket, req: IncomingMessage, docId: string, wantsNotices: boolean): Promise<void> {
    const early: Uint8Array[] = [];
    let room: Room | undefined;
    let conn: Connection | undefined;
    let closed = false;
    const refuse = (event: CloseEvent) => ws.close(event.code, event.reason);

    ws.on("message", (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (!isBinary) {
        conn?.refused("text frame");
        return;
      }
      if (room && conn) room.receive(conn, bytes);
      else if (early.length < MAX_EARLY_FRAMES) early.push(bytes);
      else ws.terminate();
    });
    ws.on("error", (err) => this.log.warn({ err: err.message, doc: docId }, "socket error"));
    ws.on("close", () => {
      closed = true;
      if (room && conn) {
        room.leave(conn);
        if (room.connections.size === 0) this.scheduleUnload(room);
      }
    });

    try {
      const epoch = this.accessEpochs.get(docId) ?? 0;
      const user = await this.deps.auth.userFor(req);
      if (!user) return refuse(CloseCodes.Unauthorized);
      const doc = ID_PATTERN.test(docId) ? await this.deps.documents.findFor(docId, user.id) : undefined;
      if (!doc) return refuse(CloseCodes.NotFound);
      const mode = syncMode({ user, role: doc.role });
      if (mode === "none") return refuse(CloseCodes.Forbidden);
      if (closed) return;
      const loaded = await this.room(docId);
      if (closed) {
        if (loaded.connections.size === 0) this.scheduleUnload(loaded);
        return;
      }
      const identity = { id: user.id, name: user.name, company: user.company, color: user.color, external: user.orgId !== doc.orgId };
      conn = new Connection(ws, user, doc.role!, mode, identity, this.log.child({ doc: docId }), wantsNotices);
      room = loaded;
      room.join(conn);
      // The role may have changed while this connection was being authorised.
      if ((this.accessEpochs.get(docId) ?? 0) !== epoch) await this.refreshAccess(docId, user.id);
      for (const bytes of early) room.receive(conn, bytes);
      early.length = 0;
    } catch (err) {
      this.log.error({ err, doc: docId }, "could not open document");
      ws.close(1011, "The server could not open this document.");
    }
  }

  /** The loaded room of a document, loading it if needed. */
  private async room(docId: string): Promise<Room> {
    const timer = this.unloadTimers.get(docId);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(docId);
    }
    let entry = this.rooms.get(docId);
    if (!entry) {
      const { storage, log, config } = this.deps;
      entry = (async () => {
        await this.unloading.get(docId);
        const room = await Room.load({ docId, storage, log: this.log, compactAfterUpdates: config.compactAfterUpdates });
        room.onFailure = () => this.drop(room);
        log.debug({ doc: docId }, "document loaded");
        return room;
      })();
      entry.catch(() => this.rooms.delete(docId));
      this.rooms.set(docId, entry);
    }
    return entry;
  }

  private scheduleUnload(room: Room): void {
    if (this.closing || this.unloadTimers.has(room.docId)) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.docId);
      if (room.connections.size === 0) void this.unload(room);
    }, this.deps.config.unloadAfterMs);
    timer.unref();
    this.unloadTimers.set(room.docId, timer);
  }

  /** Flushes, compacts and frees a document nobody is connected to. */
  private async unload(room: Room): Promise<void> {
    if (this.rooms.get(room.docId) === undefined) return;
    this.rooms.delete(room.docId);
    this.accessEpochs.delete(room.docId);
    const done = room.close().catch((err: unknown) => this.log.error({ err, doc: room.docId }, "unload failed"));
    this.unloading.set(room.docId, done);
    await done;
    this.unloading.delete(room.docId);
    this.log.debug({ doc: room.docId }, "document unloaded");
  }

  /** Drops a room that can no longer store updates; its clients reconnect and resync. */
  private drop(room: Room): void {
    this.rooms.delete(room.docId);
    for (const conn of room.connections) conn.close({ code: 1011, reason: "The server could not save changes.", final: false });
  }

  /** Closes every connection to a document (e.g. it was deleted) with the given close event. */
  async closeDocument(docId: string, event: CloseEvent): Promise<void> {
    const entry = this.rooms.get(docId);
    if (!entry) return;
    const room = await entry;
    for (const conn of room.connections) conn.close(event);
  }

  /**
   * Re-reads the role of `userId` (or of everyone) in a document and applies it to open connections:
   * read-only switches on or off at once, and a person who lost access is disconnected with 4410.
   * Resolves once every affected connection has been updated.
   */
  async refreshAccess(docId: string, userId?: string): Promise<void> {
    this.accessEpochs.set(docId, (this.accessEpochs.get(docId) ?? 0) + 1);
    const entry = this.rooms.get(docId);
    if (!entry) return;
    const room = await entry.catch(() => undefined);
    if (!room) return;
    for (const conn of [...room.connections]) {
      if (userId && conn.user.id !== userId) continue;
      const doc = await this.deps.documents.findFor(docId, conn.user.id);
      const mode = syncMode({ user: conn.user, role: doc?.role });
      if (mode === "none" || !doc?.role) {
        conn.mode = "read";
        conn.close(CloseCodes.AccessRevoked);
        room.leave(conn);
      } else if (doc.role !== conn.role || mode !== conn.mode) {
        conn.setRole(doc.role, mode);
      }
    }
  }

  /** Sends a notice to every connection of a document that asked for notices. */
  async notifyAll(docId: string, notice: Notice): Promise<void> {
    const room = await this.rooms.get(docId)?.catch(() => undefined);
    for (const conn of room?.connections ?? []) conn.notify(notice);
  }

  /** Connections currently open to a document, by user id; used for presence. */
  async connectedUserIds(docId: string): Promise<Set<string>> {
    const entry = this.rooms.get(docId);
    if (!entry) return new Set();
    const room = await entry;
    return new Set([...room.connections].map((c) => c.user.id));
  }

  /** Graceful shutdown: tells clients to reconnect later, then flushes and compacts every document. */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    this.unloadTimers.clear();
    const rooms = await Promise.allSettled([...this.rooms.values()]);
    await Promise.all(
      rooms.map(async (r) => {
        if (r.status !== "fulfilled") return;
        for (const conn of r.value.connections) conn.close(CloseCodes.ShuttingDown);
        await this.unload(r.value);
      }),
    );
    await Promise.all(this.unloading.values());
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
