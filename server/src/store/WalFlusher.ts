import fs from "node:fs";
import type { StorageStats } from "./DocumentStorage.ts";
import type { Job } from "./groupCommit.ts";

/**
 * Durability "disk" on SQLite: acknowledges committed jobs once the write-ahead log is flushed to
 * the disk, one fdatasync at a time on libuv's thread pool (never on the event loop); the commits
 * made meanwhile share the next flush.
 */
export class WalFlusher {
  private waiting: { jobs: Job[]; results: number[] }[] = [];
  private flushing: Promise<void> | undefined;
  private fd: number | undefined;

  constructor(
    private readonly walFile: string,
    private readonly stats: StorageStats,
  ) {}

  /** The jobs of one commit, with their results: resolved after the next flush, or failed with it. */
  add(jobs: Job[], results: number[]): void {
    this.waiting.push({ jobs, results });
    this.flushing ??= this.loop().finally(() => (this.flushing = undefined));
  }

  /** Resolves once no flush is in flight. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private async loop(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting;
      this.waiting = [];
      const started = performance.now();
      let failure: unknown;
      try {
        this.fd ??= fs.openSync(this.walFile, "r");
        const fd = this.fd;
        await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      } catch (err) {
        failure = err;
      }
      const ms = performance.now() - started;
      this.stats.flushes++;
      this.stats.flushMaxMs = Math.max(this.stats.flushMaxMs, ms);
      for (const { jobs, results } of batch) jobs.forEach((j, i) => (failure ? j.reject(failure) : j.resolve(results[i]!)));
    }
  }
}
