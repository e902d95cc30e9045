import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { newId } from "./ids.ts";
import { onPostgres } from "./dialect.ts";

/** Where a job is: queued → running → done | failed; a failed attempt with tries left goes back to queued. */
export type JobState = "queued" | "running" | "done" | "failed";

/** One job of the durable queue. */
export interface JobRow {
  id: string;
  kind: string;
  /** Unique: enqueuing the same key twice is one job. */
  key: string;
  /** What the job is about (a meeting id). */
  subject: string;
  state: JobState;
  attempts: number;
  runAfter: string;
  error: string | null;
}

/** The job queue's table: every transition is one conditional update, so two workers never run one job. */
export class JobStore {
  constructor(private readonly db: DB) {}

  /**
   * Adds a job unless one with the same key exists; returns the job either way (a replayed event or
   * a restart enqueues nothing new).
   */
  async enqueue(kind: string, key: string, subject: string): Promise<JobRow> {
    const ts = now();
    await this.db
      .insertInto("jobs")
      .values({ id: newId(), kind, key, subject, state: "queued", attempts: 0, run_after: ts, created_at: ts, updated_at: ts })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    return (await this.findByKey(key))!;
  }

  async findByKey(key: string): Promise<JobRow | undefined> {
    return toJob(await this.db.selectFrom("jobs").selectAll().where("key", "=", key).executeTakeFirst());
  }

  /** The oldest queued job due by `at`, if any. */
  async nextDue(at: string, kinds: string[]): Promise<JobRow | undefined> {
    if (kinds.length === 0) return undefined;
    const row = await this.db
      .selectFrom("jobs")
      .selectAll()
      .where("state", "=", "queued")
      .where("run_after", "<=", at)
      .where("kind", "in", kinds)
      .orderBy("run_after")
      .orderBy("created_at")
      .limit(1)
      .executeTakeFirst();
    return toJob(row);
  }

  /** When the next queued job is due (for the wake-up timer). */
  async nextRunAfter(kinds: string[]): Promise<string | undefined> {
    if (kinds.length === 0) return undefined;
    const row = await this.db.selectFrom("jobs").select("run_after").where("state", "=", "queued").where("kind", "in", kinds).orderBy("run_after").limit(1).executeTakeFirst();
    return row?.run_after;
  }

  /**
   * Claims the oldest queued job due by `at` for a worker (counting the attempt), or none. One
   * statement picks and claims it: on PostgreSQL the pick is `FOR UPDATE SKIP LOCKED`, so claimers
   * in several processes at once each get a different job (none waits on, or re-takes, a row
   * another is claiming); SQLite runs one write at a time, and the `state = 'queued'` condition
   * keeps the claim exactly-once there too.
   */
  async claimNext(at: string, kinds: string[]): Promise<JobRow | undefined> {
    if (kinds.length === 0) return undefined;
    let pick = this.db
      .selectFrom("jobs")
      .select("id")
      .where("state", "=", "queued")
      .where("run_after", "<=", at)
      .where("kind", "in", kinds)
      .orderBy("run_after")
      .orderBy("created_at")
      .limit(1);
    if (onPostgres(this.db)) pick = pick.forUpdate().skipLocked();
    const row = await this.db
      .updateTable("jobs")
      .set((eb) => ({ state: "running", attempts: eb("attempts", "+", 1), updated_at: now() }))
      // A scalar subquery: evaluated once (an InitPlan). With `in`, PostgreSQL may re-run the locking
      // pick for every row it scans, skip the rows this very statement has locked, and claim them all.
      .where("id", "=", pick)
      .where("state", "=", "queued")
      .returningAll()
      .executeTakeFirst();
    return toJob(row);
  }

  /** Claims a queued job for a worker (counting the attempt); false when someone else did. */
  async claim(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable("jobs")
      .set((eb) => ({ state: "running", attempts: eb("attempts", "+", 1), updated_at: now() }))
      .where("id", "=", id)
      .where("state", "=", "queued")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async finish(id: string): Promise<void> {
    await this.db.updateTable("jobs").set({ state: "done", error: null, updated_at: now() }).where("id", "=", id).where("state", "=", "running").execute();
  }

  /** A failed attempt: back to the queue at `retryAt`, or failed for good when `retryAt` is undefined. */
  async fail(id: string, error: string, retryAt: string | undefined): Promise<void> {
    await this.db
      .updateTable("jobs")
      .set(retryAt ? { state: "queued", run_after: retryAt, error, updated_at: now() } : { state: "failed", error, updated_at: now() })
      .where("id", "=", id)
      .where("state", "=", "running")
      .execute();
  }

  /** A failed job starts over (attempts reset); false unless it had failed. */
  async retry(key: string): Promise<boolean> {
    const ts = now();
    const r = await this.db.updateTable("jobs").set({ state: "queued", attempts: 0, run_after: ts, error: null, updated_at: ts }).where("key", "=", key).where("state", "=", "failed").executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** After a restart: jobs that were running when the process died are queued again (their attempt counts). */
  async requeueRunning(): Promise<number> {
    const r = await this.db.updateTable("jobs").set({ state: "queued", run_after: now(), updated_at: now() }).where("state", "=", "running").executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Jobs of a subject (for tests and the minutes state). */
  async forSubject(subject: string): Promise<JobRow[]> {
    return (await this.db.selectFrom("jobs").selectAll().where("subject", "=", subject).orderBy("created_at").execute()).map((r) => toJob(r)!);
  }
}

type Row = { id: string; kind: string; key: string; subject: string; state: string; attempts: number; run_after: string; error: string | null };

function toJob(r: Row | undefined): JobRow | undefined {
  return r && { id: r.id, kind: r.kind, key: r.key, subject: r.subject, state: r.state as JobState, attempts: r.attempts, runAfter: r.run_after, error: r.error };
}
