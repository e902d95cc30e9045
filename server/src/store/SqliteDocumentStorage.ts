import type SQLite from "better-sqlite3";
import type { DB } from "./db.ts";
import { isBusyError, JOURNAL_SIZE_LIMIT, now } from "./db.ts";
import { WalKeeper } from "./WalKeeper.ts";
import { WalFlusher } from "./WalFlusher.ts";
import type { CommitInfo, DocumentStorage, StorageOptions, StorageStats, StoredState } from "./DocumentStorage.ts";
import { Backoff, countCommit, type Job, type JobSpec } from "./groupCommit.ts";
import type { UpdateJournal } from "./UpdateJournal.ts";
import { openJournal, type JournalRecovery } from "./journalRecovery.ts";


/** First and longest pause between attempts while another connection holds the write lock. */
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 100;
/** A checkpoint cycle runs after this many commits or appended bytes, or once writing pauses for IDLE_CHECKPOINT_MS. */
const CHECKPOINT_AFTER_COMMITS = 1000;
const CHECKPOINT_AFTER_BYTES = 4 << 20;
const IDLE_CHECKPOINT_MS = 1000;
/** Catches writes made outside the update log (REST), which are not counted. */
const MAX_CHECKPOINT_INTERVAL_MS = 60_000;
/** Pages handed back to the file system after a compaction or deletion, at most. */
const VACUUM_PAGES = 512;
/**
 * DURABILITY=process: journaled appends are folded into the database this often, or at the next turn
 * once FOLD_BYTES or FOLD_APPENDS are waiting (a fold holds the event loop about 5 µs per row).
 */
const FOLD_AFTER_MS = 200;
const FOLD_BYTES = 1 << 20;
const FOLD_APPENDS = 1000;
/** Journal bytes not yet folded (the database refusing writes) past which appends wait for their commit again. */
const JOURNAL_MAX_BYTES = 64 << 20;
/** Documents remembered as existing, at most (the set starts again past it). */
const KNOWN_LIVE_MAX = 10_000;

/**
 * The SQLite storage's settings: the database file; whether appends go through the edit journal with
 * durability "process" (default true; one storage per database file then); the journal's bound.
 */
export type SqliteStorageOptions = StorageOptions & { file: string; journal?: boolean; journalMaxBytes?: number };


/**
 * The SQLite document storage (the default): an append-only update log per document plus a
 * snapshot that compaction folds the log into, in the database file under DATA_DIR.
 *
 * Every write (append, compaction, deletion) is queued and group-committed: whatever was requested
 * in one turn of the event loop, from every document, goes into one transaction through prepared
 * statements on the raw better-sqlite3 handle, in the order requested. No write waits on the event
 * loop for the disk: commits only append to the write-ahead log, checkpoints run in a worker thread
 * (WalKeeper), and with durability "disk" a write is acknowledged after an fdatasync of the log made
 * on libuv's thread pool. When another connection holds the write lock, the commit is retried with
 * backoff (nothing is acknowledged meanwhile) and fails after `busyTimeoutMs`.
 *
 * With durability "process" an append is instead acknowledged once it is in the edit journal
 * (UpdateJournal: one write(2), which survives a crash of the process) with log ids handed out
 * here, and folded into the database every FOLD_AFTER_MS in one commit; reads see journaled appends
 * not yet folded. A journaled append is never failed: while the database refuses writes it stays in
 * the journal and the fold is retried, and past `journalMaxBytes` of unfolded journal new appends
 * wait for their commit (and fail after `busyTimeoutMs`) as above.
 */
export class SqliteDocumentStorage implements DocumentStorage {
  readonly stats: StorageStats = { commits: 0, commitMs: 0, commitMaxMs: 0, flushes: 0, flushMaxMs: 0, checkpoints: 0, busyRetries: 0 };
  onCommit: ((commit: CommitInfo) => void) | undefined;
  private pending: Job[] = [];
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Commits are held while the checkpoint worker rewinds the log. */
  private heldForRewind = false;
  private readonly backoff: Backoff;
  private readonly commit: SQLite.Transaction<(jobs: Job[]) => number[]>;
  private readonly syncMode: { relaxed: SQLite.Statement; strict: SQLite.Statement } | undefined;
  private readonly keeper: WalKeeper;
  private readonly timer: NodeJS.Timeout;
  private commitsSinceCheckpoint = 0;
  private bytesSinceCheckpoint = 0;
  private lastCommitAt = 0;
  private lastCheckpointAt = performance.now();
  /** Durability "disk": acknowledges commits once the write-ahead log is flushed. */
  private readonly flusher: WalFlusher | undefined;
  private closed = false;
  /** Durability "process" only. */
  private readonly journal: UpdateJournal | undefined;
  /** What the start folded from the journal (durability "process" only). */
  readonly recovered: JournalRecovery | undefined;
  private nextId = 0;
  private foldTimer: NodeJS.Timeout | undefined;
  private readonly exists: (docId: string) => boolean;
  /** Documents seen to exist, so that an append does not look each up again (forgotten on deleteDocument). */
  private readonly knownLive = new Set<string>();

  constructor(
    private readonly db: DB,
    private readonly sqlite: SQLite.Database,
    private readonly opts: SqliteStorageOptions,
  ) {
    this.backoff = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS, opts.busyTimeoutMs);
    const insert = sqlite.prepare<[string, Buffer]>("INSERT INTO doc_updates (doc_id, data) VALUES (?, ?)");
    const insertWithId = sqlite.prepare<[number, string, Buffer]>("INSERT INTO doc_updates (id, doc_id, data) VALUES (?, ?, ?)");
    const touch = sqlite.prepare<[string, string]>("UPDATE documents SET updated_at = ? WHERE id = ?");
    const exists = sqlite.prepare<[string]>("SELECT 1 FROM documents WHERE id = ?").pluck();
    this.exists = (docId) => exists.get(docId) !== undefined;
    // Replaces the snapshot only with one that folds further: a stale compaction changes nothing.
    const putSnapshot = sqlite.prepare<[string, Buffer, string, number]>(
      "INSERT INTO doc_snapshots (doc_id, data, updated_at, upto_id) VALUES (?, ?, ?, ?) ON CONFLICT (doc_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, upto_id = excluded.upto_id WHERE doc_snapshots.upto_id < excluded.upto_id",
    );
    const dropLogUpTo = sqlite.prepare<[string, number]>("DELETE FROM doc_updates WHERE doc_id = ? AND id <= ?");
    const dropLog = sqlite.prepare<[string]>("DELETE FROM doc_updates WHERE doc_id = ?");
    const dropSnapshot = sqlite.prepare<[string]>("DELETE FROM doc_snapshots WHERE doc_id = ?");
    const vacuum = sqlite.prepare(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`);
    if (opts.durability === "disk") {
      // The connection is synchronous=FULL for REST writes; the log's own commits are flushed off the loop.
      this.syncMode = { relaxed: sqlite.prepare("PRAGMA synchronous = NORMAL"), strict: sqlite.prepare("PRAGMA synchronous = FULL") };
    }
    this.commit = sqlite.transaction((jobs: Job[]) => {
      const ts = now();
      // Documents touched in this transaction, and whether they still exist (a deleted one takes no writes).
      const live = new Map<string, boolean>();
      let freed = false;
      const results = jobs.map((job) => {
        switch (job.kind) {
          case "append": {
            let alive = live.get(job.docId);
            if (alive === undefined) live.set(job.docId, (alive = touch.run(ts, job.docId).changes > 0));
            if (!alive) return 0;
            const first = job.firstId;
            if (first !== undefined) {
              job.updates.forEach((u, i) => insertWithId.run(first + i, job.docId, toBuffer(u)));
              return first + job.updates.length - 1;
            }
            let lastId = 0;
            for (const u of job.updates) lastId = Number(insert.run(job.docId, toBuffer(u)).lastInsertRowid);
            return lastId;
          }
          case "compact":
            if (!exists.get(job.docId)) return 0;
            // A compaction that folds no further than the stored snapshot is stale (its process
            // stalled past its lock while another compacted): it must not put back an older
            // snapshot after the entries it lacks were dropped.
            if (putSnapshot.run(job.docId, toBuffer(job.snapshot), ts, job.upToId).changes === 0) return 0;
            // Only the entries the snapshot was made from: anything appended since stays.
            dropLogUpTo.run(job.docId, job.upToId);
            freed = true;
            return 1;
          case "delete":
            dropLog.run(job.docId);
            dropSnapshot.run(job.docId);
            live.set(job.docId, false);
            freed = true;
            return 0;
          default:
            return assertNever(job);
        }
      });
      // Give the pages the log used back to the file system, a bounded amount at a time.
      if (freed) vacuum.run();
      return results;
    });
    if (opts.durability === "process" && opts.journal !== false) {
      const { journal, recovered, nextId } = openJournal(sqlite, `${opts.file}-edits`);
      this.journal = journal;
      this.recovered = recovered;
      this.nextId = nextId;
    }
    if (opts.durability === "disk") this.flusher = new WalFlusher(`${opts.file}-wal`, this.stats);
    this.keeper = new WalKeeper(opts.file, JOURNAL_SIZE_LIMIT);
    this.timer = setInterval(() => this.checkpointIfDue(), IDLE_CHECKPOINT_MS);
    this.timer.unref();
  }

  async load(docId: string): Promise<StoredState> {
    // Journaled appends not folded yet, taken before the read: one folded meanwhile is read twice, harmlessly (by id).
    const unfolded = this.unfolded(docId);
    // One read transaction: the snapshot and the log as of one moment, never a snapshot from before a
    // compaction with the log from after it (the entries between would be missing).
    const { snap, rows } = await this.db.transaction().execute(async (trx) => ({
      snap: await trx.selectFrom("doc_snapshots").select("data").where("doc_id", "=", docId).executeTakeFirst(),
      rows: await trx.selectFrom("doc_updates").select(["id", "data"]).where("doc_id", "=", docId).orderBy("id").execute(),
    }));
    if (unfolded.length) {
      const read = new Set(rows.map((r) => r.id));
      for (const u of unfolded) if (!read.has(u.id)) rows.push(u);
      rows.sort((a, b) => a.id - b.id);
    }
    return {
      snapshot: snap ? snap.data : null,
      updates: rows.map((r) => r.data),
      lastId: rows.length ? rows[rows.length - 1]!.id : 0,
    };
  }

  /** The journaled appends of `docId` waiting to be folded, with their log ids. */
  private unfolded(docId: string): { id: number; data: Uint8Array }[] {
    if (!this.journal) return [];
    const out: { id: number; data: Uint8Array }[] = [];
    for (const j of this.pending) {
      if (j.kind === "append" && j.journaled && j.docId === docId) j.updates.forEach((data, i) => out.push({ id: j.firstId! + i, data }));
    }
    return out;
  }

  /**
   * Appends updates and marks the document as edited; resolves with the last log id once stored
   * (0 when the document no longer exists: nothing is written for it).
   */
  append(docId: string, updates: Uint8Array[]): Promise<number> {
    let lastId: number | undefined;
    try {
      lastId = this.journalAppend(docId, updates);
    } catch (err) {
      return Promise.reject(err);
    }
    if (lastId !== undefined) return Promise.resolve(lastId);
    if (!this.journal) return this.enqueue({ kind: "append", docId, updates });
    // Ids are handed out here, for journaled and waiting appends alike, so they never collide.
    const firstId = this.nextId;
    this.nextId += updates.length;
    return this.enqueue({ kind: "append", docId, updates, firstId });
  }

  /**
   * Durability "process": writes the updates to the edit journal and returns their last log id, or
   * undefined when they must wait for a commit instead (no journal, closing, the journal past its
   * bound while the database refuses writes). Throws when the journal could not be written.
   */
  appendNow(docId: string, updates: Uint8Array[]): number | undefined {
    return this.journalAppend(docId, updates);
  }

  /** appendNow's work; `append` calls it directly, so a test that takes `appendNow` away still sees every write. */
  private journalAppend(docId: string, updates: Uint8Array[]): number | undefined {
    if (!this.journal || this.closed || !updates.length || this.journal.bytes >= (this.opts.journalMaxBytes ?? JOURNAL_MAX_BYTES)) return undefined;
    // A deleted document takes no writes (a deletion racing with the fold is checked there again).
    if (!this.knownLive.has(docId)) {
      if (!this.exists(docId)) return 0;
      if (this.knownLive.size >= KNOWN_LIVE_MAX) this.knownLive.clear();
      this.knownLive.add(docId);
    }
    const firstId = this.nextId;
    this.journal.write({ docId, firstId, updates });
    this.nextId += updates.length;
    this.pending.push({ kind: "append", docId, updates, firstId, journaled: true, resolve: noop, reject: noop });
    this.scheduleFold();
    return firstId + updates.length - 1;
  }

  /** Folds the journal soon: after FOLD_AFTER_MS, or at the next turn once it holds FOLD_BYTES or FOLD_APPENDS. */
  private scheduleFold(): void {
    if (this.scheduled || this.retryTimer || this.heldForRewind) return;
    if (this.journal!.bytes >= FOLD_BYTES || this.pending.length >= FOLD_APPENDS) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    } else {
      this.foldTimer ??= setTimeout(() => this.flush(), FOLD_AFTER_MS);
    }
  }

  /**
   * Replaces the snapshot with `snapshot` and drops the log entries it covers: ids <= upToId only,
   * so entries appended after the caller read `upToId` are kept. Resolves false, changing nothing,
   * when the stored snapshot already covers `upToId` (a stale compaction) or the document is gone.
   */
  async compact(docId: string, snapshot: Uint8Array, upToId: number): Promise<boolean> {
    return (await this.enqueue({ kind: "compact", docId, snapshot, upToId })) === 1;
  }

  /** Deletes all Yjs data of a document (log and snapshot), after every write queued before it. */
  async deleteDocument(docId: string): Promise<void> {
    this.knownLive.delete(docId);
    await this.enqueue({ kind: "delete", docId });
  }

  /**
   * Marks an HTTP request in flight until the returned function is called. Requests write on the
   * event loop with a tiny busy timeout; while any is in flight the checkpoint worker does not take
   * the write lock to rewind the log, so our own housekeeping never turns a request into a 503.
   */
  beginRequest(): Promise<() => void> {
    return this.keeper.beginRequest();
  }

  /** Stores what is queued (one attempt), waits for flushes in flight, and stops the checkpoint worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.flush();
    await this.flusher?.settled();
    await this.keeper.close();
    this.flusher?.close();
    // What could not be folded stays in the journal for the next start.
    this.journal?.close();
  }

  private enqueue(job: JobSpec): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error("document storage is closed"));
      this.pending.push({ ...job, resolve, reject });
      if (this.scheduled || this.retryTimer || this.heldForRewind) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
    if (this.retryTimer || this.heldForRewind || !this.pending.length) return;
    if (this.keeper.rewinding && !this.closed) {
      this.heldForRewind = true;
      void this.keeper.settled().then(() => {
        this.heldForRewind = false;
        this.flush();
      });
      return;
    }
    // A Kysely transaction is open (it awaits between statements): commit after it, not inside it.
    if (this.sqlite.inTransaction && !this.closed) {
      this.scheduled = true;
      setImmediate(() => this.flush());
      return;
    }
    const jobs = this.pending;
    this.pending = [];
    const started = performance.now();
    let results: number[];
    try {
      this.syncMode?.relaxed.run();
      try {
        results = this.commit.immediate(jobs);
      } finally {
        this.syncMode?.strict.run();
      }
    } catch (err) {
      if (isBusyError(err)) return this.retryLater(jobs);
      this.backoff.reset();
      this.failJobs(jobs, err);
      return;
    }
    const ms = performance.now() - started;
    countCommit(this.stats, this.onCommit, ms, jobs);
    this.backoff.reset();
    this.commitsSinceCheckpoint++;
    for (const j of jobs) if (j.kind === "append") for (const u of j.updates) this.bytesSinceCheckpoint += u.byteLength;
    this.lastCommitAt = performance.now();
    // Everything journaled is committed now (a flush takes all that is pending).
    if (this.journal && !this.pending.some((j) => j.journaled)) this.journal.clear();
    if (this.flusher) this.flusher.add(jobs, results);
    else jobs.forEach((j, i) => j.resolve(results[i]!));
    if (this.commitsSinceCheckpoint >= CHECKPOINT_AFTER_COMMITS || this.bytesSinceCheckpoint >= CHECKPOINT_AFTER_BYTES) this.checkpoint();
  }

  /** Another connection holds the write lock: keep the jobs (unacknowledged) and try again later, up to the bound. */
  private retryLater(jobs: Job[]): void {
    this.stats.busyRetries++;
    this.pending = jobs.concat(this.pending);
    const next = this.backoff.next(this.closed);
    if ("gaveUpAfterMs" in next) {
      const waited = next.gaveUpAfterMs;
      const failed = this.pending;
      this.pending = [];
      const err = Object.assign(new Error(`another program held the database's write lock for ${waited} ms`), { code: "SQLITE_BUSY" });
      this.failJobs(failed, err);
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, next.waitMs);
  }

  /**
   * Fails the jobs that wait for their commit. Journaled appends were acknowledged already: they stay
   * in the journal and the fold is tried again (not once the storage is closing: the next start folds them).
   */
  private failJobs(jobs: Job[], err: unknown): void {
    const kept = jobs.filter((j) => j.journaled);
    for (const j of jobs) if (!j.journaled) j.reject(err);
    if (!kept.length || this.closed) return;
    this.pending = kept.concat(this.pending);
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, MAX_RETRY_MS);
  }

  private checkpointIfDue(): void {
    const t = performance.now();
    if (this.commitsSinceCheckpoint > 0 && t - this.lastCommitAt >= IDLE_CHECKPOINT_MS) this.checkpoint();
    else if (t - this.lastCheckpointAt >= MAX_CHECKPOINT_INTERVAL_MS) this.checkpoint();
  }

  /** Starts a checkpoint cycle in the worker unless one is running; a cycle that could not finish is retried later. */
  private checkpoint(): void {
    if (this.keeper.busy || this.closed) return;
    const commits = this.commitsSinceCheckpoint;
    this.commitsSinceCheckpoint = 0;
    this.bytesSinceCheckpoint = 0;
    this.lastCheckpointAt = performance.now();
    void this.keeper.checkpoint().then((r) => {
      this.stats.checkpoints++;
      if (r.busy || r.error) this.commitsSinceCheckpoint += Math.max(commits, 1);
    });
  }
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const noop = () => undefined;

function assertNever(x: never): never {
  throw new Error(`unknown storage job ${JSON.stringify(x)}`);
}
