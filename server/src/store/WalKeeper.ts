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
 *    then waits until no reader uses the log.
 * 3. A one-page write (user_version set to itself): the first write after a complete checkpoint
 *    restarts the log and syncs its new header. Done here, that sync never runs on the event loop.
 * synchronous=NORMAL on this connection: checkpoints sync the log before and the database after.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.file);
db.pragma("synchronous = NORMAL");
db.pragma("wal_autocheckpoint = 0");
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
parentPort.on("message", (msg) => {
  if (msg === "close") {
    db.close();
    parentPort.close();
    return;
  }
  let result;
  try {
    let r = db.pragma("wal_checkpoint(PASSIVE)")[0];
    const log = r.log;
    let restarted = false;
    if (!r.busy && r.log > 0 && r.checkpointed < r.log) r = db.pragma("wal_checkpoint(RESTART)")[0];
    if (!r.busy && r.log > 0 && r.checkpointed === r.log) {
      db.pragma("user_version = " + db.pragma("user_version", { simple: true }));
      restarted = true;
    }
    result = { log, checkpointed: r.checkpointed, restarted, busy: r.busy !== 0 };
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
  private running: Promise<CheckpointResult> | undefined;
  private closed = false;

  constructor(file: string, busyTimeoutMs = 500) {
    const sqliteModule = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqliteModule, file, busyTimeoutMs } });
    // A worker that died must not keep the process alive or crash it; the next cycle reports it.
    this.worker.on("error", () => undefined);
    this.worker.unref();
  }

  /** Whether a cycle is running now. */
  get busy(): boolean {
    return this.running !== undefined;
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
