import type { CloseEvent } from "@confer/shared";
import type { Logger } from "../logger.ts";
import { Room, type RoomHost, type RoomStats } from "./Room.ts";
import type { RoomStorage } from "./RoomLog.ts";
import type { Cluster } from "./cluster.ts";

/** Why a room could not be opened for a connection. */
export class RoomUnavailable extends Error {
  constructor(readonly reason: "deleted" | "closing" | "failed") {
    super(`room unavailable: ${reason}`);
  }
}

/** How long a deleted document's id is refused after its rows are gone (for connections admitted just before). */
const DELETED_FOR_MS = 60_000;

/** What every room of the registry is made with. */
export interface RegistrySettings {
  storage: RoomStorage;
  log: Logger;
  compactAfterUpdates: number;
  unloadAfterMs: number;
  /** Other processes serving the same documents (REDIS_URL); absent on a single process. */
  cluster?: Cluster;
}

/**
 * The rooms of loaded documents, at most one per document. A room leaves the map only when it is
 * gone (its last storage call settled), and only if it is still the entry; a room that is unloading
 * or failed stays until then, and a newcomer waits for it to be gone before a fresh room loads.
 */
export class RoomRegistry implements RoomHost {
  private readonly rooms = new Map<string, Room>();
  /** Documents being deleted (with how many deletions are running): no room may open for them. */
  private readonly deleting = new Map<string, number>();
  /** Documents deleted a moment ago: a connection admitted before the deletion must not open them again. */
  private readonly deleted = new Map<string, NodeJS.Timeout>();
  private closing = false;

  constructor(private readonly settings: RegistrySettings) {}

  /** Rooms in the map, in any state. */
  get size(): number {
    return this.rooms.size;
  }

  isCurrent(room: Room): boolean {
    return this.rooms.get(room.docId) === room;
  }

  remove(room: Room): void {
    if (this.rooms.get(room.docId) === room) this.rooms.delete(room.docId);
  }

  /** Every room in the map, in any state. */
  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** The document's room, in whatever state. */
  get(docId: string): Room | undefined {
    return this.rooms.get(docId);
  }

  /** Whether the document is being deleted right now, or was a moment ago. */
  isDeleting(docId: string): boolean {
    return this.deleting.has(docId) || this.deleted.has(docId);
  }

  /** The live room of a document, loading it (after any previous room is gone) if needed. */
  async acquire(docId: string): Promise<Room> {
    for (;;) {
      if (this.closing) throw new RoomUnavailable("closing");
      if (this.isDeleting(docId)) throw new RoomUnavailable("deleted");
      let room = this.rooms.get(docId);
      if (room && room.state !== "loading" && room.state !== "live") {
        await room.gone;
        continue;
      }
      if (!room) {
        room = new Room({ ...this.settings, docId, host: this });
        this.rooms.set(docId, room);
        void room.load();
      }
      try {
        await room.ready;
      } catch {
        throw new RoomUnavailable(this.isDeleting(docId) ? "deleted" : "failed");
      }
      return room;
    }
  }

  /**
   * Deletes a document: its room is dropped at once without storing or folding anything, then
   * `remove` deletes the stored data once the room's last storage call has settled. No room opens
   * for the document until `remove` is done.
   */
  async delete(docId: string, event: CloseEvent, remove: () => Promise<void>): Promise<void> {
    this.deleting.set(docId, (this.deleting.get(docId) ?? 0) + 1);
    try {
      const room = this.rooms.get(docId);
      if (room) await room.destroy(event);
      await remove();
      clearTimeout(this.deleted.get(docId));
      const timer = setTimeout(() => this.deleted.delete(docId), DELETED_FOR_MS);
      timer.unref();
      this.deleted.set(docId, timer);
    } finally {
      const left = (this.deleting.get(docId) ?? 1) - 1;
      if (left > 0) this.deleting.set(docId, left);
      else this.deleting.delete(docId);
    }
  }

  /** Graceful shutdown: closes every connection with `event`, stores and folds every document. */
  async shutdown(event: CloseEvent): Promise<void> {
    this.closing = true;
    for (const timer of this.deleted.values()) clearTimeout(timer);
    this.deleted.clear();
    const rooms = [...this.rooms.values()];
    await Promise.all(rooms.map((room) => (room.state === "live" || room.state === "loading" ? room.shutdown(event) : room.gone)));
  }

  /** Counts of one document's room, if it has one. */
  stats(docId: string): RoomStats | undefined {
    return this.rooms.get(docId)?.stats();
  }
}
