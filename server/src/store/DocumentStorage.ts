import type { Durability } from "./db.ts";

/** What is stored of one document's Yjs state: a snapshot and the updates appended since. */
export interface StoredState {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Id of the last log entry read; compaction removes entries up to it. */
  lastId: number;
}

/** How the update log is written. */
export interface StorageOptions {
  durability: Durability;
  /** How long writes keep retrying while another connection holds the write lock before they fail. */
  busyTimeoutMs: number;
}

/** Counters for benchmarks and diagnostics (cumulative; the maxima may be reset by whoever reads them). */
export interface StorageStats {
  /** Group commits made, the time they took (SQLite: on the event loop; PostgreSQL: until COMMIT returned), and the longest. */
  commits: number;
  commitMs: number;
  commitMaxMs: number;
  /** Durability "disk": flushes of the log to the disk (off the event loop) and the longest wait for one. */
  flushes: number;
  flushMaxMs: number;
  /** SQLite: checkpoint cycles run by the worker thread. */
  checkpoints: number;
  /** Commits put off because the database could not take them (SQLite: another connection's write lock; PostgreSQL: a lost connection). */
  busyRetries: number;
}

/** One group commit, as `DocumentStorage.onCommit` reports it. */
export interface CommitInfo {
  /** How long the commit took. */
  ms: number;
  /** Document updates it appended to the log. */
  updates: number;
}

/**
 * Durable Yjs state of documents, as the sync server needs it: an append-only update log per
 * document plus a snapshot that compaction folds the log into. The server treats the state as
 * opaque bytes. Every write is group-committed (whatever was requested in one turn of the event
 * loop goes into one transaction) and resolves only once committed; while the database cannot take
 * writes they wait, unacknowledged, up to `busyTimeoutMs`, then fail with an error `isBusyError`
 * recognises. Two engines: `SqliteDocumentStorage` (the default) and `PgDocumentStorage`. The one
 * exception: SQLite with durability "process" resolves an append once it is in its edit journal
 * (as durable as that commit would be) and commits it shortly after.
 */
export interface DocumentStorage {
  readonly stats: StorageStats;
  /** Called after every group commit with its duration and the updates it appended (metrics). */
  onCommit: ((commit: CommitInfo) => void) | undefined;
  /** The snapshot and the log entries after it, read as of one moment. */
  load(docId: string): Promise<StoredState>;
  /**
   * Appends updates and marks the document as edited; resolves with the last log id once stored
   * (0 when the document no longer exists: nothing is written for it).
   */
  append(docId: string, updates: Uint8Array[]): Promise<number>;
  /**
   * Stores updates at once when the storage can (SQLite's edit journal), returning the last log id
   * (0 when the document no longer exists); undefined when they must go through `append` instead.
   * Throws when storing failed. Absent on storages that always commit first.
   */
  appendNow?(docId: string, updates: Uint8Array[]): number | undefined;
  /**
   * Replaces the snapshot with `snapshot` and drops the log entries it covers: ids <= upToId only,
   * so entries appended after the caller read `upToId` are kept. The stored snapshot remembers the
   * `upToId` it was made up to; a compaction whose `upToId` is not above it is stale (made from an
   * older read, e.g. by a process that stalled past its compaction lock) and is skipped whole, in
   * the same transaction: no snapshot replaced, nothing dropped. Resolves true when it applied,
   * false when skipped (stale, or the document is gone).
   */
  compact(docId: string, snapshot: Uint8Array, upToId: number): Promise<boolean>;
  /** Deletes all Yjs data of a document (log and snapshot), after every write queued before it. */
  deleteDocument(docId: string): Promise<void>;
  /** Marks an HTTP request in flight until the returned function is called (SQLite defers its log rewinds meanwhile). */
  beginRequest(): Promise<() => void>;
  /** Stores what is queued (one attempt), waits for commits in flight, and releases what the storage holds. */
  close(): Promise<void>;
}
