import { WebSocket } from "ws";
import { writeNotice, type AwarenessUser, type CloseEvent, type Notice, type Role } from "@confer/shared";
import type { Logger } from "../logger.ts";
import type { User } from "../store/users.ts";

/** Past this many unsent bytes a client is too slow to keep up; it is disconnected to protect the server. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Refused messages logged per connection before the log goes quiet for it. */
const MAX_LOGGED_REFUSALS = 5;

/** One browser tab (or other client) connected to one document. */
export class Connection {
  /** Awareness client ids this connection has set, removed when it leaves. */
  readonly awarenessIds = new Set<number>();
  private refusals = 0;

  constructor(
    readonly ws: WebSocket,
    readonly user: User,
    /** The person's role in the document, as of the last check. */
    public role: Role,
    /** What the policies allow: "write" applies updates, "read" drops them. */
    public mode: "read" | "write",
    /** The identity stamped into this connection's awareness; the client cannot change it. */
    readonly identity: AwarenessUser,
    readonly log: Logger,
    /** Whether the client asked for Confer's side-channel notices (`?notices=1`). */
    readonly wantsNotices: boolean,
  ) {}

  /** Sends a side-channel notice to clients that understand them. */
  notify(notice: Notice): void {
    if (this.wantsNotices) this.send(writeNotice(notice));
  }

  /** Applies a new role: switches read-only on or off and tells the client. */
  setRole(role: Role, mode: "read" | "write"): void {
    this.role = role;
    this.mode = mode;
    this.notify({ type: "access", role, readOnly: mode === "read" });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Uint8Array): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ user: this.user.id, buffered: this.ws.bufferedAmount }, "client too slow; disconnecting");
      this.ws.terminate();
      return;
    }
    this.ws.send(message);
  }

  close(event: CloseEvent): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(event.code, event.reason);
  }

  /** Logs a message refused at the boundary (first few per connection only). */
  refused(reason: string): void {
    this.refusals++;
    if (this.refusals <= MAX_LOGGED_REFUSALS) this.log.warn({ user: this.user.id, reason, count: this.refusals }, "refused sync message");
  }
}
