import type { CommitInfo, StorageStats } from "./DocumentStorage.ts";

/** A write to make, in the order requested. */
export type JobSpec =
  | { kind: "append"; docId: string; updates: Uint8Array[]; /** Log id of the first update, when the storage handed the ids out itself (SQLite's journal). */ firstId?: number }
  | { kind: "compact"; docId: string; snapshot: Uint8Array; upToId: number }
  | { kind: "delete"; docId: string };
/** Resolves with the last log id (append) or 1 when it applied, 0 when not (compaction). */
export type Job = JobSpec & {
  resolve(result: number): void;
  reject(err: unknown): void;
  /** Already written to SQLite's edit journal and acknowledged: it is never failed, only retried. */
  journaled?: boolean;
};

/** Counts one group commit in the storage's stats and tells `onCommit` (metrics). */
export function countCommit(stats: StorageStats, onCommit: ((commit: CommitInfo) => void) | undefined, ms: number, jobs: Job[]): void {
  stats.commits++;
  stats.commitMs += ms;
  stats.commitMaxMs = Math.max(stats.commitMaxMs, ms);
  onCommit?.({ ms, updates: jobs.reduce((n, j) => n + (j.kind === "append" ? j.updates.length : 0), 0) });
}

/**
 * The waits between attempts at a commit the database cannot take now (SQLite: another connection's
 * write lock; PostgreSQL: a lost connection): from `firstMs`, doubled each time up to `maxMs`, for
 * at most `timeoutMs` since the first refusal. Both engines keep the jobs, unacknowledged, meanwhile.
 */
export class Backoff {
  private since: number | undefined;
  private delay: number;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly timeoutMs: number,
  ) {
    this.delay = firstMs;
  }

  /**
   * After a refusal: the wait before the next attempt, or `{ gaveUpAfterMs }` once the attempts have
   * gone on for `timeoutMs` (or `stop` is set: the storage is closing); the count starts again then.
   */
  next(stop = false): { waitMs: number } | { gaveUpAfterMs: number } {
    const t = performance.now();
    this.since ??= t;
    if (stop || t - this.since >= this.timeoutMs) {
      const gaveUpAfterMs = Math.round(t - this.since);
      this.reset();
      return { gaveUpAfterMs };
    }
    const waitMs = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxMs);
    return { waitMs };
  }

  /** A commit went through (or failed for another reason): the next refusal starts from the first wait. */
  reset(): void {
    this.since = undefined;
    this.delay = this.firstMs;
  }
}
