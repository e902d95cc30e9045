import type { Connection } from "./Connection.ts";

/** setTimeout cannot wait longer than this (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SessionEntry {
  expiresAt: number;
  connections: Set<Connection>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Open connections by the sign-in session they were opened with, so that a connection ends with its
 * session: when the person signs out, and when the session expires (a timer per session with open
 * connections, cleared when its last connection closes).
 */
export class SessionSockets {
  private readonly sessions = new Map<string, SessionEntry>();
  /** Bumped whenever a session ends, so a connection admitted just before re-checks its session. */
  epoch = 0;

  /** `end` is called for every connection of a session that ended. */
  constructor(private readonly end: (conn: Connection) => void) {}

  /** Tracks a connection under its session; a session already expired ends it at once. */
  add(conn: Connection): void {
    const { idHash, expiresAt } = conn.session;
    let entry = this.sessions.get(idHash);
    if (!entry) {
      entry = { expiresAt: expiresAt.getTime(), connections: new Set(), timer: undefined };
      this.sessions.set(idHash, entry);
      this.arm(idHash, entry);
    }
    entry.connections.add(conn);
  }

  /** Stops tracking a closed connection. */
  remove(conn: Connection): void {
    const entry = this.sessions.get(conn.session.idHash);
    if (!entry?.connections.delete(conn) || entry.connections.size > 0) return;
    clearTimeout(entry.timer);
    this.sessions.delete(conn.session.idHash);
  }

  /** The session ended (signed out, or expired): ends its connections. Returns how many. */
  endSession(idHash: string): number {
    this.epoch++;
    const entry = this.sessions.get(idHash);
    if (!entry) return 0;
    clearTimeout(entry.timer);
    this.sessions.delete(idHash);
    for (const conn of entry.connections) this.end(conn);
    return entry.connections.size;
  }

  private arm(idHash: string, entry: SessionEntry): void {
    const wait = entry.expiresAt - Date.now();
    entry.timer = setTimeout(
      () => {
        if (this.sessions.get(idHash) !== entry) return;
        if (Date.now() >= entry.expiresAt) this.endSession(idHash);
        else this.arm(idHash, entry);
      },
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
    entry.timer.unref();
  }

  /** Sessions with open connections. */
  get size(): number {
    return this.sessions.size;
  }

  /** Stops every timer (shutdown). */
  clear(): void {
    for (const entry of this.sessions.values()) clearTimeout(entry.timer);
    this.sessions.clear();
  }
}
