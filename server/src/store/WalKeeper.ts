import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** What one checkpoint cycle did, as the worker reports it. */
export interface CheckpointResult {
  /** Frames in the write-ahead log before the cycle, and how many of them reached the database file. */
  log: number;
  checkpointed: number;
  /** Whether the log was restarted from the beginning (by the worker, so the event loop never syncs its header). */
  restarted: boolean;
  /** Set when the cycle could not finish (e.g. another process held the write lock); the next one retries. */
  busy: boolean;
  error?: string;
}

/**
 * Runs in the worker thread, on its own connection to the database file. A cycle:
 * 1. PASSIVE checkpoint: copies the log into the database file and syncs both, without blocking
 *    the main connection's writers (the bulk of the work, and every fsync, happen here).
 * 2. RESTART checkpoint: takes the write lock briefly to copy the few frames written meanwhile,
 *    waits until no reader uses the log, and rewinds it (the next write starts at its beginning).
 * 3. At once, a one-page write (user_version set to itself): the first write after the rewind
 *    writes the log's new header and syncs it. Done here, that sync does not run on the event loop.
 * During 2 and 3 the shared `rewinding` flag is set and the main thread holds its commits (they
 * would wait for the write lock anyway), so that it cannot be the one writing the new header.
 * Steps 2 and 3 are skipped (the cycle reports busy and is retried) while an HTTP request is in
 * flight on the main thread (the shared `requests` count): its writes may not wait for the lock on
 * the event loop, so they would fail. Both sides set their own flag first and then read the
 * other's (sequentially consistent atomics), so at least one of them always backs off.
 * synchronous=NORMAL on this connection: checkpoints sync the log before and the database after.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqliteModule);
const rewinding = new Int32Array(workerData.rewinding);
const requests = new Int32Array(workerData.requests);
const db = new Database(workerData.file);
db.pragma("synchronous = NORMAL");
db.pragma("wal_autocheckpoint = 0");
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
db.pragma("journal_size_limit = " + workerData.journalSizeLimit);
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const restart = db.prepare("PRAGMA wal_checkpoint(RESTART)");
const userVersion = db.prepare("PRAGMA user_version").pluck();
parentPort.on("message", (msg) => {
  if (msg === "close") {
    db.close();
    parentPort.close();
    return;
  }
  let result;
  try {
    let r = passive.get();
    const log = r.log;
    let restarted = false;
    let deferred = false;
    if (!r.busy && r.log > 0) {
      // The main thread holds its commits from here until the log has its new header.
      Atomics.store(rewinding, 0, 1);
      if (Atomics.load(requests, 0) > 0) {
        Atomics.store(rewinding, 0, 0);
        deferred = true;
      } else {
        try {
          r = restart.get();
          if (!r.busy && r.checkpointed === r.log) {
            db.prepare("PRAGMA user_version = " + userVersion.get()).run();
            restarted = true;
          }
        } finally {
          Atomics.store(rewinding, 0, 0);
        }
      }
    }
    result = { log, checkpointed: r.checkpointed, restarted, busy: r.busy !== 0 || deferred };
  } catch (err) {
    result = { log: 0, checkpointed: 0, restarted: false, busy: /^SQLITE_BUSY/.test(String(err && err.code)), error: String(err && err.message) };
  }
  parentPort.postMessage(result);
});
`;

/**
 * Keeps SQLite's write-ahead log short without ever syncing on the event loop. The main connection
 * runs with `wal_autocheckpoint=0`, so its commits only write to the log (no fsync); this class
 * checkpoints from a worker thread with its own connection (see WORKER_SOURCE), one cycle at a time.
 */
export class WalKeeper {
  private readonly worker: Worker;
  /** Set by the worker while it rewinds the log (see WORKER_SOURCE). */
  private readonly rewindFlag = new Int32Array(new SharedArrayBuffer(4));
  /** HTTP requests in flight on the main thread; the worker does not rewind while there are any. */
  private readonly requestCount = new Int32Array(new SharedArrayBuffer(4));
  private running: Promise<CheckpointResult> | undefined;
  private closed = false;

  constructor(file: string, journalSizeLimit: number, busyTimeoutMs = 500) {
    const sqliteModule = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sqliteModule, file, busyTimeoutMs, journalSizeLimit, rewinding: this.rewindFlag.buffer, requests: this.requestCount.buffer },
    });
    // A worker that died must not keep the process alive or crash it; the next cycle reports it.
    this.worker.on("error", () => undefined);
    this.worker.on("exit", () => Atomics.store(this.rewindFlag, 0, 0));
    this.worker.unref();
  }

  /** Whether a cycle is running now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Whether the worker is rewinding the log right now: the main thread should hold its commits until `settled`. */
  get rewinding(): boolean {
    return Atomics.load(this.rewindFlag, 0) === 1;
  }

  /**
   * Counts a request in flight (the worker will not start rewinding the log), after waiting for a
   * rewind already under way. Resolves with the function that ends the request; calling it again does nothing.
   */
  async beginRequest(): Promise<() => void> {
    for (;;) {
      Atomics.add(this.requestCount, 0, 1);
      if (!this.rewinding) {
        let ended = false;
        return () => {
          if (ended) return;
          ended = true;
          Atomics.sub(this.requestCount, 0, 1);
        };
      }
      Atomics.sub(this.requestCount, 0, 1);
      await this.settled();
    }
  }

  /** Resolves when no cycle is running. */
  settled(): Promise<unknown> {
    return this.running ?? Promise.resolve();
  }

  /** Runs one checkpoint cycle (or joins the one running). */
  checkpoint(): Promise<CheckpointResult> {
    if (this.closed) return Promise.resolve({ log: 0, checkpointed: 0, restarted: false, busy: false, error: "closed" });
    this.running ??= new Promise<CheckpointResult>((resolve) => {
      const onExit = () => resolve({ log: 0, checkpointed: 0, restarted: false, busy: false, error: "checkpoint worker exited" });
      this.worker.once("exit", onExit);
      this.worker.once("message", (result: CheckpointResult) => {
        this.worker.off("exit", onExit);
        resolve(result);
      });
      this.worker.postMessage("checkpoint");
    }).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for a running cycle, then closes the worker's connection and stops it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.running;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage("close");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.worker.terminate();
  }
}
