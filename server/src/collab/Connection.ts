import { WebSocket } from "ws";
import { writeNotice, type AwarenessUser, type CloseEvent, type Notice, type Role } from "@confer/shared";
import type { Logger } from "../logger.ts";
import type { User } from "../store/users.ts";
import type { EarlyFrames } from "./EarlyFrames.ts";

/** Past this many unsent bytes a client is too slow to keep up; it is disconnected to protect the server. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Refused messages logged per connection before the log goes quiet for it. */
const MAX_LOGGED_REFUSALS = 5;
/** After close() the peer has this long to finish the closing handshake before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

/** The sign-in a connection was opened with; the connection ends with it. */
export interface ConnectionSession {
  idHash: string;
  expiresAt: Date;
}

/** Who is connecting and how, as decided at admission. */
export interface ConnectionInit {
  user: User;
  session: ConnectionSession;
  role: Role;
  mode: "read" | "write";
  identity: AwarenessUser;
  /** Whether the client asked for Confer's side-channel notices (`?notices=1`). */
  wantsNotices: boolean;
  /** The client's schema is older than the server's: it may read, never write. */
  outdated: boolean;
}

/** One browser tab (or other client) connected to one document. */
export class Connection {
  /** Awareness client ids this connection owns, removed from presence when it leaves. */
  readonly awarenessIds = new Set<number>();
  readonly user: User;
  readonly session: ConnectionSession;
  readonly identity: AwarenessUser;
  readonly wantsNotices: boolean;
  readonly outdated: boolean;
  /** The person's role in the document, as of the last check. */
  role: Role;
  /** What the policies allow: "write" applies updates, "read" refuses them. */
  mode: "read" | "write";
  /** Set once the server closes the connection: nothing it sends afterwards is processed. */
  closed = false;
  /** Updates refused because they build on changes the server does not have. */
  unfoundedUpdates = 0;
  /** The latest sync request not answered yet (answers are coalesced while one is in flight). */
  pendingStateVector: Uint8Array | null = null;
  /** Whether a sync answer to this connection is encoded and not yet handed to the socket. */
  syncInFlight = false;
  /** Sync answers sent to this connection. */
  syncAnswers = 0;
  private refusals = 0;
  private unflushed = 0;
  private onDrained: { below: number; run: () => void }[] = [];

  constructor(
    readonly ws: WebSocket,
    init: ConnectionInit,
    readonly log: Logger,
    /** Frames received before the document was ready, bounded in count and bytes. */
    readonly early: EarlyFrames,
  ) {
    this.user = init.user;
    this.session = init.session;
    this.role = init.role;
    this.mode = init.mode;
    this.identity = init.identity;
    this.wantsNotices = init.wantsNotices;
    this.outdated = init.outdated;
  }

  /** Whether this connection's document updates are applied: the policy allows it and its schema is current. */
  get canWrite(): boolean {
    return this.mode === "write" && !this.outdated;
  }

  /** The access notice for the current role. */
  accessNotice(): Notice {
    return { type: "access", role: this.role, readOnly: !this.canWrite, ...(this.outdated ? { outdated: true as const } : {}) };
  }

  /** Sends a side-channel notice to clients that understand them. */
  notify(notice: Notice): void {
    if (this.wantsNotices) this.send(writeNotice(notice));
  }

  /** Applies a new role: switches read-only on or off and tells the client. */
  setRole(role: Role, mode: "read" | "write"): void {
    this.role = role;
    this.mode = mode;
    this.notify(this.accessNotice());
  }

  get open(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes handed to the socket and not yet written out. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends a frame; a client too slow to take what it is sent is disconnected. */
  send(message: Uint8Array): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ user: this.user.id, buffered: this.ws.bufferedAmount }, "client too slow; disconnecting");
      this.terminate();
      return;
    }
    this.unflushed++;
    this.ws.send(message, this.written);
  }

  /** A frame was written out (one callback for every send: no closure per frame on the fan-out path). */
  private readonly written = (): void => {
    this.unflushed--;
    if (!this.onDrained.length) return;
    const buffered = this.unflushed === 0 ? 0 : this.ws.bufferedAmount;
    const due = this.onDrained.filter((w) => buffered <= w.below);
    if (!due.length) return;
    this.onDrained = this.onDrained.filter((w) => buffered > w.below);
    for (const w of due) w.run();
  };

  /** Runs `run` once at most `below` bytes sent to this connection are still waiting to be written. */
  whenDrained(below: number, run: () => void): void {
    if (this.unflushed === 0 || this.ws.bufferedAmount <= below) run();
    else this.onDrained.push({ below, run });
  }

  /**
   * Closes with a code the page explains. From now on nothing the client sends is processed, and
   * a peer that ignores the close frame is cut off after a short grace.
   */
  close(event: CloseEvent): void {
    if (this.closed) return;
    this.closed = true;
    this.onDrained.length = 0;
    this.early.clear();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(event.code, event.reason);
      setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    }
  }

  /** Cuts the socket at once, without a closing handshake. */
  terminate(): void {
    this.closed = true;
    this.onDrained.length = 0;
    this.early.clear();
    this.ws.terminate();
  }

  /** Logs a message refused at the boundary (first few per connection only). */
  refused(reason: string): void {
    this.refusals++;
    if (this.refusals <= MAX_LOGGED_REFUSALS) this.log.warn({ user: this.user.id, reason, count: this.refusals }, "refused sync message");
  }
}
