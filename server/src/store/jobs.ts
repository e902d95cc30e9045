import { sql } from "kysely";
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
    let pick = pickDue(this.db, at, kinds);
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

  /**
   * Claims the next due job like `claimNext`, and holds it until `release` is called. On PostgreSQL
   * the holding is a session advisory lock on the job, taken (on a connection kept for the job's
   * run) before the claim commits: a job is "running" only while its process lives, since
   * PostgreSQL drops the lock with the connection when the process dies, and `requeueRunning`
   * takes back only jobs whose lock is free. On SQLite there is one process: nothing to hold.
   */
  async claimHeld(at: string, kinds: string[]): Promise<{ job: JobRow; release(): Promise<void> } | undefined> {
    if (!onPostgres(this.db)) {
      const job = await this.claimNext(at, kinds);
      return job && { job, release: async () => {} };
    }
    if (kinds.length === 0) return undefined;
    return new Promise((resolve, reject) => {
      let finish!: () => void;
      const finished = new Promise<void>((r) => (finish = r));
      let handedOut = false;
      const held = this.db
        .connection()
        .execute(async (conn) => {
          const job = await conn.transaction().execute(async (trx) => {
            const row = await pickDue(trx, at, kinds)
              .forUpdate()
              .skipLocked()
              .executeTakeFirst();
            if (!row) return undefined;
            // Session-level: outlives this transaction, until `release` or the connection's end.
            const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtextextended(${jobLockKey(row.id)}, 0)) as ok`.execute(trx);
            if (!got.rows[0]?.ok) return undefined;
            const claimed = await trx
              .updateTable("jobs")
              .set((eb) => ({ state: "running", attempts: eb("attempts", "+", 1), updated_at: now() }))
              .where("id", "=", row.id)
              .returningAll()
              .executeTakeFirstOrThrow();
            return toJob(claimed)!;
          });
          if (!job) return resolve(undefined);
          handedOut = true;
          resolve({
            job,
            release: async () => {
              finish();
              await held.catch(() => undefined);
            },
          });
          await finished;
          await sql`select pg_advisory_unlock(hashtextextended(${jobLockKey(job.id)}, 0))`.execute(conn);
        })
        .catch((err: unknown) => {
          // Before the hand-out: the claim failed. After: the connection is gone, and the lock with it.
          if (!handedOut) reject(err);
        });
    });
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

  /** A job no longer needed is set done, unless a worker has claimed it already; true when it was. */
  async cancelQueued(key: string): Promise<boolean> {
    const r = await this.db.updateTable("jobs").set({ state: "done", updated_at: now() }).where("key", "=", key).where("state", "=", "queued").executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Queued jobs about any of `subjects` are set done without running (their subject is gone); returns how many. */
  async cancelQueuedFor(subjects: string[]): Promise<number> {
    let n = 0;
    // In slices: a document's meetings can have many recordings, and statements have a bound on parameters.
    for (let i = 0; i < subjects.length; i += 500) {
      const slice = subjects.slice(i, i + 500);
      const r = await this.db.updateTable("jobs").set({ state: "done", updated_at: now() }).where("subject", "in", slice).where("state", "=", "queued").executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    return n;
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

  /**
   * Jobs that were running when their process died are queued again (their attempt counts). On
   * SQLite (one process) that is every running job, at start-up. On PostgreSQL only those whose
   * process no longer holds them (`claimHeld`): safe to call at any time, from any process.
   */
  async requeueRunning(): Promise<number> {
    let q = this.db.updateTable("jobs").set({ state: "queued", run_after: now(), updated_at: now() }).where("state", "=", "running");
    if (onPostgres(this.db)) {
      // Transaction-scoped: taken and dropped by this statement; it fails while the owner holds the job.
      q = q.where(sql<boolean>`pg_try_advisory_xact_lock(hashtextextended(${sql.raw("'confer:job:'")} || ${sql.ref("id")}, 0))`);
    }
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Whether running jobs can be owned by other live processes, so `requeueRunning` should be repeated while running. */
  get shared(): boolean {
    return onPostgres(this.db);
  }

  /** Jobs of a subject (for tests and the minutes state). */
  async forSubject(subject: string): Promise<JobRow[]> {
    return (await this.db.selectFrom("jobs").selectAll().where("subject", "=", subject).orderBy("created_at").execute()).map((r) => toJob(r)!);
  }
}

/** The advisory-lock key of a job (the same text in `claimHeld` and `requeueRunning`). */
const jobLockKey = (id: string) => `confer:job:${id}`;

type Row = { id: string; kind: string; key: string; subject: string; state: string; attempts: number; run_after: string; error: string | null };

function toJob(r: Row | undefined): JobRow | undefined {
  return r && { id: r.id, kind: r.kind, key: r.key, subject: r.subject, state: r.state as JobState, attempts: r.attempts, runAfter: r.run_after, error: r.error };
}

/** The id of the oldest queued job of `kinds` due by `at` (a query, to claim it by). */
function pickDue(db: DB, at: string, kinds: string[]) {
  return db
    .selectFrom("jobs")
    .select("id")
    .where("state", "=", "queued")
    .where("run_after", "<=", at)
    .where("kind", "in", kinds)
    .orderBy("run_after")
    .orderBy("created_at")
    .limit(1);
}
