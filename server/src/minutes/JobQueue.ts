import type { Logger } from "../logger.ts";
import type { JobRow, JobStore } from "../store/jobs.ts";
import { now } from "../store/db.ts";

/** How often, with a shared queue (PostgreSQL), jobs of processes that died are looked for. */
const SWEEP_MS = 5000;

/** A failure that trying again cannot fix (the meeting is gone, nothing was recorded): no retries. */
export class PermanentJobError extends Error {}

/** What a kind of job does, and what happens when it fails for good. */
export interface JobKind {
  /**
   * Does the job; `signal` aborts when the server shuts down (the job then runs again after the
   * restart) or when the job is called off (`JobQueue.cancel`: it is then done, never run again).
   */
  run(job: JobRow, signal: AbortSignal): Promise<void>;
  /** Called once when the job has failed for good (out of attempts, or a permanent error). */
  failed(job: JobRow, error: string): Promise<void>;
}

/** How the queue runs. */
export interface QueueOptions {
  /** Jobs run at once. */
  workers: number;
  /** Attempts before a job fails for good. */
  maxAttempts: number;
  /** Wait before the first retry; doubled each time, at most `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs?: number;
}

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoffMs(attempts: number, opts: Pick<QueueOptions, "baseDelayMs" | "maxDelayMs">): number {
  return Math.min(opts.baseDelayMs * 2 ** Math.max(0, attempts - 1), opts.maxDelayMs ?? 5 * 60_000);
}

/**
 * The durable job queue over the `jobs` table: jobs survive a restart (those that were running are
 * queued again), a failed attempt is retried with exponential backoff, and at most `workers` jobs run
 * at once. Each transition is one conditional update (JobStore), so a job is never run twice at once.
 */
export class JobQueue {
  private readonly kinds = new Map<string, JobKind>();
  private readonly running = new Set<Promise<void>>();
  /** The jobs running in this process: what each is about, and what calls it off. */
  private readonly runningJobs = new Map<string, { subject: string; callOff: AbortController }>();
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private shutdown = new AbortController();

  constructor(
    private readonly store: JobStore,
    private readonly opts: QueueOptions,
    private readonly log: Logger,
  ) {}

  /** Registers what a kind of job does. */
  register(kind: string, handler: JobKind): void {
    this.kinds.set(kind, handler);
  }

  /** Starts working: jobs left running by a previous process go back to the queue first. */
  async start(): Promise<void> {
    this.stopped = false;
    this.shutdown = new AbortController();
    const requeued = await this.store.requeueRunning();
    if (requeued) this.log.info({ requeued }, "jobs interrupted by a restart are queued again");
    if (this.store.shared) {
      // Several processes share the queue: a job whose process died meanwhile is taken back while we run.
      this.sweeper = setInterval(() => {
        this.store.requeueRunning().then(
          (n) => {
            if (n) this.log.info({ requeued: n }, "jobs of a process that died are queued again");
            if (n) this.kick();
          },
          (err: unknown) => this.log.warn({ err }, "could not look for jobs of dead processes"),
        );
      }, SWEEP_MS);
      this.sweeper.unref();
    }
    this.kick();
  }

  /**
   * Stops taking jobs and aborts the running ones, waiting for them to settle. An aborted job stays
   * "running" in the database, so the next start queues it again without counting a failure.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.sweeper);
    this.shutdown.abort();
    await this.pumping;
    await Promise.allSettled([...this.running]);
  }

  /** Adds a job (once per key) and wakes a worker. */
  async enqueue(kind: string, key: string, subject: string): Promise<JobRow> {
    const job = await this.store.enqueue(kind, key, subject);
    this.kick();
    return job;
  }

  /**
   * Calls off the jobs about `subjects` (their meeting or recording is gone): queued ones are done
   * without running, and those running in this process are aborted and set done. A job running in
   * another process is not reached: the job itself must stop quietly when it finds its subject gone.
   */
  async cancel(subjects: string[]): Promise<void> {
    if (subjects.length === 0) return;
    const queued = await this.store.cancelQueuedFor(subjects);
    const wanted = new Set(subjects);
    let aborted = 0;
    for (const job of this.runningJobs.values()) {
      if (!wanted.has(job.subject) || job.callOff.signal.aborted) continue;
      job.callOff.abort();
      aborted++;
    }
    if (queued || aborted) this.log.info({ queued, aborted }, "jobs called off");
  }

  /** Starts a failed job over; false unless it had failed. */
  async retry(key: string): Promise<boolean> {
    const ok = await this.store.retry(key);
    if (ok) this.kick();
    return ok;
  }

  /** Resolves once no job is running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size || this.pumping) {
      await Promise.allSettled([...this.running, this.pumping]);
    }
  }

  /** Looks for due jobs now. */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => this.log.error({ err }, "job queue could not read its jobs"))
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    const kinds = [...this.kinds.keys()];
    while (!this.stopped && this.running.size < this.opts.workers) {
      // Picked and claimed at once: exactly one process gets each job, and holds it while it runs (JobStore.claimHeld).
      const claimed = await this.store.claimHeld(now(), kinds);
      if (!claimed) break;
      const run = this.run(claimed.job).finally(async () => {
        await claimed.release();
        this.running.delete(run);
        this.kick();
      });
      this.running.add(run);
    }
    if (this.stopped || this.running.size >= this.opts.workers) return;
    const next = await this.store.nextRunAfter(kinds);
    clearTimeout(this.timer);
    if (next) {
      this.timer = setTimeout(() => this.kick(), Math.max(0, Date.parse(next) - Date.now()) + 5);
      this.timer.unref();
    }
  }

  private async run(job: JobRow): Promise<void> {
    const kind = this.kinds.get(job.kind)!;
    const log = this.log.child({ job: job.id, kind: job.kind, subject: job.subject, attempt: job.attempts });
    const shutdown = this.shutdown.signal;
    const callOff = new AbortController();
    this.runningJobs.set(job.id, { subject: job.subject, callOff });
    try {
      await kind.run(job, AbortSignal.any([shutdown, callOff.signal]));
      await this.store.finish(job.id);
      log.info(callOff.signal.aborted ? "job called off" : "job done");
    } catch (err) {
      if (shutdown.aborted) {
        log.info("job interrupted by shutdown; it runs again after the restart");
        return;
      }
      if (callOff.signal.aborted) {
        await this.store.finish(job.id).catch((e: unknown) => log.error({ err: e }, "could not store that a job was called off"));
        log.info("job called off");
        return;
      }
      const message = (err as Error)?.message || String(err);
      const permanent = err instanceof PermanentJobError;
      const retryAt = !permanent && job.attempts < this.opts.maxAttempts ? new Date(Date.now() + backoffMs(job.attempts, this.opts)).toISOString() : undefined;
      log.warn({ err: message, retryAt }, retryAt ? "job failed; will retry" : "job failed for good");
      await this.store.fail(job.id, message, retryAt).catch((e: unknown) => log.error({ err: e }, "could not store a job's failure"));
      if (!retryAt) await kind.failed(job, message).catch((e: unknown) => log.error({ err: e }, "job failure hook failed"));
    } finally {
      this.runningJobs.delete(job.id);
    }
  }
}
