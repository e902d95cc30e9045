import * as Y from "yjs";
import { CloseCodes } from "@confer/shared";
import type { Logger } from "../logger.ts";
import type { Connection } from "./Connection.ts";
import type { RoomLog } from "./RoomLog.ts";
import type { StateCache } from "./StateCache.ts";
import { MISSING_DEPENDENCIES, validateUpdate } from "./validateUpdate.ts";
import { ProtocolError, readClientMessage } from "./protocol.ts";

/** Updates building on changes the server lacks that a connection may send before it is closed. */
export const MAX_UNFOUNDED_UPDATES = 20;
/** A sync answer waits while more than this is still unsent to the connection. */
export const SYNC_BACKPRESSURE_BYTES = 1024 * 1024;

/** What the room does next with a frame the sync layer did not consume. */
export type Forwarded = { type: "awareness"; update: Uint8Array } | { type: "queryAwareness" } | { type: "closed" } | undefined;

/**
 * The document side of the sync protocol for one room: applies updates that are valid and complete
 * (refusing any that Yjs would keep pending), and answers sync requests with stored state only,
 * sharing encodings between requests and holding answers back from connections that are not reading.
 */
export class RoomSync {
  /** How far the document has each client's changes (made once: it runs for every update). */
  private readonly stateOf = (client: number): number => Y.getState(this.doc.store, client);

  constructor(
    private readonly doc: Y.Doc,
    private readonly log: RoomLog,
    private readonly cache: StateCache,
    private readonly logger: Logger,
  ) {}

  /** Reads one frame: sync messages are handled here, presence ones handed back to the room. */
  receive(conn: Connection, data: Uint8Array): Forwarded {
    try {
      const msg = readClientMessage(data);
      switch (msg.type) {
        case "syncStep1":
          conn.pendingStateVector = msg.stateVector; // a newer request replaces one still waiting
          this.answer(conn);
          return undefined;
        case "update":
          return this.update(conn, msg.update);
        case "awareness":
        case "queryAwareness":
          return msg;
        default:
          return assertNever(msg);
      }
    } catch (err) {
      if (err instanceof ProtocolError) {
        conn.refused(err.message);
        return undefined;
      }
      conn.refused(`invalid update: ${(err as Error).message}`);
      return undefined;
    }
  }

  private update(conn: Connection, update: Uint8Array): Forwarded {
    if (!conn.canWrite) {
      // A viewer's client answers the handshake with an (empty) SyncStep2: drop it quietly.
      if (update.length > 2) conn.refused(conn.outdated ? "update from an outdated client" : "update from a read-only connection");
      return undefined;
    }
    const problem = validateUpdate(update, this.stateOf);
    if (problem === MISSING_DEPENDENCIES) return this.unfounded(conn);
    if (problem) {
      conn.refused(problem);
      return undefined;
    }
    Y.applyUpdate(this.doc, update, conn);
    const store = this.doc.store;
    if (store.pendingStructs || store.pendingDs) {
      // The check above makes this unreachable; if it ever is not, what cannot be stored is not kept (or served).
      this.logger.error({ user: conn.user.id }, "update left pending structs; dropped them");
      store.pendingStructs = null;
      store.pendingDs = null;
      return this.unfounded(conn);
    }
    return undefined;
  }

  /**
   * Refuses an update that builds on changes the server does not have. A stock client may send one
   * or two while its offline changes are still on the way; a client that keeps doing it is closed.
   */
  private unfounded(conn: Connection): Forwarded {
    conn.refused(MISSING_DEPENDENCIES);
    if (++conn.unfoundedUpdates < MAX_UNFOUNDED_UPDATES) return undefined;
    conn.log.warn({ user: conn.user.id, refused: conn.unfoundedUpdates }, "too many updates with missing dependencies; closing");
    conn.close(CloseCodes.UpdatesRefused);
    return { type: "closed" };
  }

  /**
   * Answers the connection's waiting sync request, unless an answer to it is still being written
   * or it is behind on what it was sent; then the answer waits (and later requests replace it).
   * The answer is the state at the current version, sent once that version is stored.
   */
  private answer(conn: Connection): void {
    if (!conn.pendingStateVector || conn.syncInFlight || !conn.open) return;
    conn.syncInFlight = true;
    const next = () => {
      conn.syncInFlight = false;
      this.answer(conn);
    };
    if (conn.bufferedAmount > SYNC_BACKPRESSURE_BYTES) return conn.whenDrained(SYNC_BACKPRESSURE_BYTES, next);
    const stateVector = conn.pendingStateVector;
    conn.pendingStateVector = null;
    const version = this.log.appliedVersion;
    let frame: Uint8Array;
    try {
      frame = this.cache.answer(version, stateVector);
    } catch {
      conn.syncInFlight = false;
      conn.refused("malformed state vector");
      return;
    }
    void this.log.whenStored(version).then(() => {
      if (!conn.open) return;
      conn.syncAnswers++;
      conn.send(frame);
      conn.whenDrained(SYNC_BACKPRESSURE_BYTES, next);
    });
  }
}

function assertNever(x: never): never {
  throw new ProtocolError(`unhandled message ${JSON.stringify(x)}`);
}
