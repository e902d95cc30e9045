import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import type { Logger } from "../logger.ts";
import type { AwarenessGuard } from "./AwarenessGuard.ts";
import type { ClusterRoom } from "./cluster.ts";
import type { Connection } from "./Connection.ts";
import type { RoomStorage } from "./RoomLog.ts";
import type { StateCache } from "./StateCache.ts";
import { MISSING_DEPENDENCIES, validateUpdate } from "./validateUpdate.ts";
import { readAwarenessUpdate, SyncType, writeSync } from "./protocol.ts";

/** Marks updates another process stored (or read back from storage): broadcast, never stored again. */
export const REMOTE_ORIGIN = Symbol("remote");
/** Wait before retrying a repair whose storage read failed. */
const REPAIR_RETRY_MS = 1000;

/** The parts of a room its replica works on. */
export interface ReplicaContext {
  docId: string;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  guard: AwarenessGuard;
  cache: StateCache;
  connections: Set<Connection>;
  storage: RoomStorage;
  logger: Logger;
  /** The room is live or unloading. */
  active(): boolean;
  live(): boolean;
  /** The room is still its document's room. */
  isCurrent(): boolean;
}

/**
 * The cluster side of one room (REDIS_URL): applies what other processes stored and published, and
 * repairs from storage when something may have been missed. Nothing applied here is stored again.
 */
export class RoomReplica implements ClusterRoom {
  /** A repair is running; `repairAgain` asks for one more after it (coalesced). */
  private repairing = false;
  private repairAgain = false;

  constructor(private readonly ctx: ReplicaContext) {}

  get docId(): string {
    return this.ctx.docId;
  }

  /** Cluster: updates another process stored and published. Refused (and repaired from storage) if they build on what this room lacks. */
  applyRemote(updates: Uint8Array[]): void {
    if (!this.ctx.active()) return;
    for (const update of updates) {
      const problem = validateUpdate(update, (client) => Y.getState(this.ctx.doc.store, client));
      if (problem === MISSING_DEPENDENCIES) {
        // An earlier message was missed: storage has it (everything published was stored first).
        this.repair();
        return;
      }
      if (problem) {
        this.ctx.logger.error({ problem }, "invalid update from another process; repairing from storage");
        this.repair();
        return;
      }
      Y.applyUpdate(this.ctx.doc, update, REMOTE_ORIGIN);
    }
  }

  /** Cluster: presence of people on other processes, checked and stamped there. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (!this.ctx.active()) return;
    try {
      for (const e of readAwarenessUpdate(update).entries) {
        const user = e.state?.user as { id?: unknown } | undefined;
        if (e.state === null) this.ctx.guard.remoteGone(e.clientId);
        else if (typeof user?.id === "string") this.ctx.guard.remote(e.clientId, user.id);
      }
      awarenessProtocol.applyAwarenessUpdate(this.ctx.awareness, update, REMOTE_ORIGIN);
    } catch (err) {
      this.ctx.logger.warn({ err }, "invalid awareness from another process");
    }
  }

  /** Cluster: the presence of this process's connections. */
  localAwareness(): Uint8Array | null {
    if (!this.ctx.live()) return null;
    const ids = [...this.ctx.awareness.getStates().keys()].filter((id) => this.ctx.guard.isLocal(id));
    return ids.length ? awarenessProtocol.encodeAwarenessUpdate(this.ctx.awareness, ids) : null;
  }

  /** Cluster: a process died; the presence it relayed goes, except ids a connection here uses now. */
  dropRemoteAwareness(clientIds: number[]): void {
    if (!this.ctx.active()) return;
    const gone = clientIds.filter((id) => !this.ctx.guard.isLocal(id) && this.ctx.awareness.getStates().has(id));
    for (const id of gone) this.ctx.guard.remoteGone(id);
    if (gone.length) awarenessProtocol.removeAwarenessStates(this.ctx.awareness, gone, REMOTE_ORIGIN);
  }

  /**
   * Cluster: messages may have been missed (Redis restarted, a gap in a publisher's sequence, a
   * process died): re-reads the stored log and applies it. Yjs ignores what the room already has;
   * what it lacked reaches this process's clients. Coalesced: one read at a time, one more queued.
   */
  repair(): void {
    if (!this.ctx.active()) return;
    if (this.repairing) {
      this.repairAgain = true;
      return;
    }
    this.repairing = true;
    void (async () => {
      try {
        do {
          this.repairAgain = false;
          await this.catchUp();
        } while (this.repairAgain && this.ctx.active());
      } catch (err) {
        this.ctx.logger.warn({ err }, "repair from storage failed; retrying");
        setTimeout(() => this.ctx.isCurrent() && this.repair(), REPAIR_RETRY_MS).unref();
      } finally {
        this.repairing = false;
      }
    })();
  }

  /** Reads the stored state and applies it as remote (never stored again); resolves with the last log id read. */
  async catchUp(): Promise<number> {
    const stored = await this.ctx.storage.load(this.ctx.docId);
    if (!this.ctx.active()) return 0;
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    Y.transact(this.ctx.doc, () => {
      for (const part of parts) Y.applyUpdate(this.ctx.doc, part, REMOTE_ORIGIN);
    }, REMOTE_ORIGIN);
    return stored.lastId;
  }

  /** A remote update changed the document: cached sync answers are stale; local clients get it at once (it is stored). */
  remoteApplied(update: Uint8Array): void {
    this.ctx.cache.clear();
    const message = writeSync(SyncType.Update, update);
    for (const conn of this.ctx.connections) conn.send(message);
  }
}
