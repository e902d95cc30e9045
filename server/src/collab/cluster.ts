import type { Notice } from "@confer/shared";

/**
 * What the sync server asks of a cluster (several processes serving the same documents, see
 * `scale/`). Without one (no REDIS_URL) the sync server is a single process and none of this runs.
 * The collab code depends only on these interfaces; `scale/RedisCluster.ts` implements them.
 */
export interface Cluster {
  /** Links a room that starts loading to the other processes' copies of its document. */
  link(room: ClusterRoom): RoomLink;
  /** Tells every other process about a change of access, session, existence or a notice. */
  broadcast(event: ClusterEvent): void;
  /** Registers what tells who is connected to which document here, shared with the other processes. */
  trackPresence(local: () => Map<string, Set<string>>): void;
  /** The user ids connected to a document on the other live processes (empty while they cannot be asked). */
  connectedUsers(docId: string): Promise<Set<string>>;
  /** Registers the handler of events from other processes, and of "recheck" after missed events. */
  onEvent(handler: (event: ClusterEvent | { type: "recheck" }) => void): void;
}

/** What a linked room offers the cluster. */
export interface ClusterRoom {
  readonly docId: string;
  /** Updates another process stored (and then published); applied without storing them again. */
  applyRemote(updates: Uint8Array[]): void;
  /** Presence of people connected to another process (already stamped and checked there). */
  applyRemoteAwareness(update: Uint8Array): void;
  /** Presence of the people connected to this process, to answer a room that just loaded elsewhere; null if none. */
  localAwareness(): Uint8Array | null;
  /** A process died: the presence of the people it served goes (unless they are connected here now). */
  dropRemoteAwareness(clientIds: number[]): void;
  /** Messages may have been missed: re-read the stored log and apply what is missing. */
  repair(): void;
}

/** One room's connection to the cluster; ends with `close`. */
export interface RoomLink {
  /** Resolves once what is published from now on reaches the room (or Redis is down: a repair follows when it is back). */
  readonly ready: Promise<void>;
  /** The room has loaded its stored state: messages held while it loaded are applied now. */
  live(): void;
  /** Publishes updates that are stored (never before). */
  publishUpdates(updates: Uint8Array[]): void;
  /** Publishes a presence change made on this process. */
  publishAwareness(update: Uint8Array): void;
  /**
   * Runs `fold` holding the document's compaction lock, so one process at a time folds its log.
   * Resolves false without running it when another process holds the lock or Redis is unreachable.
   */
  exclusive(fold: () => Promise<void>): Promise<boolean>;
  close(): void;
}

/** Events every process must act on, decided again there by the policies. */
export type ClusterEvent =
  | { type: "access"; docId: string; userId?: string }
  | { type: "session"; idHash: string }
  | { type: "deleted"; docId: string }
  | { type: "notice"; docId: string; notice: Notice };
