import type { Connection } from "./Connection.ts";
import type { AwarenessEntry } from "./protocol.ts";

/** Largest awareness state (JSON bytes, as the client sent it) a room keeps; a cursor and a name take a few hundred. */
export const MAX_AWARENESS_STATE_BYTES = 16 * 1024;
/** Awareness client ids one connection may own; a stock client uses one (its Y.Doc's clientID). */
export const MAX_CLIENT_IDS_PER_CONNECTION = 4;
/** Client ids kept reserved for a person after their connections left, so a reconnect gets them back. */
export const MAX_RELEASED_IDS_PER_USER = 16;

interface Owner {
  userId: string;
  /** The connection using the id now; null once it left (the id stays the person's). */
  conn: Connection | null;
}

/**
 * Who owns which awareness client id in one room, and how many bytes of presence the room holds.
 * An id belongs to the person who first set it, across reconnects: nobody else can take it over, and
 * another of their own connections only once the one using it has closed.
 * Bounds: a state's size, the ids per connection, and the ids kept for people who left.
 */
export class AwarenessGuard {
  private readonly owners = new Map<number, Owner>();
  /** Per person, the ids whose connection left, oldest first. */
  private readonly released = new Map<string, number[]>();
  private readonly sizes = new Map<number, number>();
  private bytes = 0;

  /** Keeps the entries `conn` may set: ids it owns, or new ids within its quota. Claims those ids. */
  admit(conn: Connection, entries: AwarenessEntry[]): AwarenessEntry[] {
    return entries.filter((e) => this.claim(conn, e.clientId));
  }

  private claim(conn: Connection, id: number): boolean {
    const owner = this.owners.get(id);
    if (owner?.conn === conn) return true;
    if (owner && owner.userId !== conn.user.id) return false;
    // Another open connection of the same person (another tab) keeps its id.
    if (owner?.conn?.open) return false;
    if (conn.awarenessIds.size >= MAX_CLIENT_IDS_PER_CONNECTION) return false;
    if (owner) {
      // The same person again, after the connection that had the id closed (a reconnect): the id moves here.
      owner.conn?.awarenessIds.delete(id);
      this.unrelease(owner.userId, id);
    }
    this.owners.set(id, { userId: conn.user.id, conn });
    conn.awarenessIds.add(id);
    return true;
  }

  /**
   * A connection left: its ids stay reserved for its person (up to a bound, oldest freed first).
   * Returns the ids whose presence should be removed.
   */
  release(conn: Connection): number[] {
    const ids = [...conn.awarenessIds].filter((id) => this.owners.get(id)?.conn === conn);
    conn.awarenessIds.clear();
    const list = this.released.get(conn.user.id) ?? [];
    for (const id of ids) {
      this.owners.get(id)!.conn = null;
      list.push(id);
    }
    while (list.length > MAX_RELEASED_IDS_PER_USER) {
      const freed = list.shift()!;
      if (this.owners.get(freed)?.conn === null) this.owners.delete(freed);
    }
    if (list.length) this.released.set(conn.user.id, list);
    else this.released.delete(conn.user.id);
    return ids;
  }

  /**
   * An id in use by a person connected to another process: nobody else here may take it over; the
   * same person may, on reconnecting here. Forgotten when its state is removed (`remoteGone`).
   */
  remote(id: number, userId: string): void {
    if (!this.owners.has(id)) this.owners.set(id, { userId, conn: null });
  }

  /** The state of an id held on another process was removed. */
  remoteGone(id: number): void {
    const owner = this.owners.get(id);
    if (owner && owner.conn === null && !this.released.get(owner.userId)?.includes(id)) this.owners.delete(id);
  }

  /** Whether a connection of this process uses `id` now. */
  isLocal(id: number): boolean {
    return !!this.owners.get(id)?.conn;
  }

  private unrelease(userId: string, id: number): void {
    const list = this.released.get(userId);
    const at = list?.indexOf(id) ?? -1;
    if (at < 0) return;
    list!.splice(at, 1);
    if (!list!.length) this.released.delete(userId);
  }

  /** Records the size of the state now held for `id` (0 when it was removed). */
  held(id: number, bytes: number): void {
    this.bytes += bytes - (this.sizes.get(id) ?? 0);
    if (bytes > 0) this.sizes.set(id, bytes);
    else this.sizes.delete(id);
  }

  /** Bytes of presence state held (as JSON). */
  get bytesHeld(): number {
    return this.bytes;
  }

  /** Client ids with an owner, connected or reserved. */
  get ownedIds(): number {
    return this.owners.size;
  }
}
