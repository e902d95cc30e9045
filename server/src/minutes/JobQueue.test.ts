import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { sql } from "kysely";
import { openPostgres, type DB } from "../store/db.ts";
import { JobStore } from "../store/jobs.ts";
import { onPostgres, openTestDatabase } from "../../tests/testDatabase.ts";
import { backoffMs, JobQueue, PermanentJobError } from "./JobQueue.ts";

let db: DB;
let dbUrl: string | undefined;
let closeDb: () => Promise<void>;
let store: JobStore;
const log = pino({ level: "silent" });
const queues: JobQueue[] = [];
const queue = (workers = 1, maxAttempts = 3) => {
  const q = new JobQueue(store, { workers, maxAttempts, baseDelayMs: 5 }, log);
  queues.push(q);
  return q;
};
/** Resolves when `check` holds, polling the queue's work. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// On the engine under test: SQLite, or PostgreSQL with TEST_DATABASE=postgres.
beforeEach(async () => {
  ({ db, url: dbUrl, close: closeDb } = await openTestDatabase());
  store = new JobStore(db);
});
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
  await closeDb();
});

describe("the job queue", () => {
  it("one job per key, however often it is enqueued", async () => {
    const q = queue();
    const ran: string[] = [];
    q.register("k", { run: async (j) => void ran.push(j.subject), failed: async () => undefined });
    await q.start();
    await Promise.all([q.enqueue("k", "k:1", "a"), q.enqueue("k", "k:1", "a"), q.enqueue("k", "k:1", "a")]);
    await until(async () => (await store.findByKey("k:1"))?.state === "done", "done");
    await q.idle();
    expect(ran).toEqual(["a"]);
  });

  it("calling jobs off: a queued one never runs, a running one is aborted and done, without a failure; others run", async () => {
    const q = queue(1, 3);
    const ran: string[] = [];
    const failures: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    q.register("k", {
      run: async (j, signal) => {
        ran.push(j.subject);
        if (j.subject !== "gone") return;
        started();
        await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
      },
      failed: async (j) => void failures.push(j.subject),
    });
    await q.start();
    await q.enqueue("k", "k:running", "gone");
    await running;
    await q.enqueue("k", "k:queued", "gone-too");
    await q.enqueue("k", "k:other", "other");
    await q.cancel(["gone", "gone-too"]);
    await until(async () => (await store.findByKey("k:other"))?.state === "done", "the other job done");
    await q.idle();
    expect(ran).toEqual(["gone", "other"]);
    expect((await store.findByKey("k:running"))).toMatchObject({ state: "done", attempts: 1, error: null });
    expect((await store.findByKey("k:queued"))).toMatchObject({ state: "done", attempts: 0 });
    expect(failures).toEqual([]);
  });

  it("retries a failed attempt with growing waits, then succeeds", async () => {
    const q = queue(1, 4);
    const at: number[] = [];
    q.register("k", {
      run: async () => {
        at.push(Date.now());
        if (at.length < 3) throw new Error("flaky");
      },
      failed: async () => undefined,
    });
    await q.start();
    await q.enqueue("k", "k:retry", "s");
    await until(async () => (await store.findByKey("k:retry"))?.state === "done", "done");
    expect(at).toHaveLength(3);
    expect((await store.findByKey("k:retry"))!.attempts).toBe(3);
    expect([1, 2, 3, 10].map((n) => backoffMs(n, { baseDelayMs: 5, maxDelayMs: 100 }))).toEqual([5, 10, 20, 100]);
  });

  it("fails for good after its attempts, or at once on a permanent error, telling its kind once", async () => {
    const q = queue(1, 2);
    const failures: string[] = [];
    q.register("k", {
      run: async (j) => {
        throw j.subject === "perm" ? new PermanentJobError("gone") : new Error("down");
      },
      failed: async (j, e) => void failures.push(`${j.subject}:${e}`),
    });
    await q.start();
    await q.enqueue("k", "k:down", "down");
    await q.enqueue("k", "k:perm", "perm");
    await until(async () => (await store.findByKey("k:down"))?.state === "failed" && (await store.findByKey("k:perm"))?.state === "failed", "failed");
    expect((await store.findByKey("k:down"))!.attempts).toBe(2);
    expect((await store.findByKey("k:perm"))!.attempts).toBe(1);
    expect(failures.sort()).toEqual(["down:down", "perm:gone"]);
    // Try again: it runs from scratch.
    expect(await q.retry("k:down")).toBe(true);
    expect(await q.retry("k:down")).toBe(false);
  });

  it("runs one job at a time with one worker", async () => {
    const q = queue(1);
    let running = 0;
    let most = 0;
    q.register("k", {
      run: async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
      },
      failed: async () => undefined,
    });
    await q.start();
    await Promise.all(["a", "b", "c", "d"].map((s) => q.enqueue("k", `k:${s}`, s)));
    await until(async () => (await store.forSubject("d"))[0]?.state === "done", "all done");
    await q.idle();
    expect(most).toBe(1);
  });

  it("a job that was running when the process died runs again after a restart", async () => {
    const job = await store.enqueue("k", "k:crash", "s");
    expect(await store.claim(job.id)).toBe(true); // the old process took it, then died
    const q = queue();
    const ran: number[] = [];
    q.register("k", { run: async (j) => void ran.push(j.attempts), failed: async () => undefined });
    await q.start();
    await until(async () => (await store.findByKey("k:crash"))?.state === "done", "done");
    expect(ran).toEqual([2]);
  });

  it("a shutdown aborts the running job and leaves it to run again after the restart, without counting a failure", async () => {
    const q = queue();
    let started = false;
    const failures: string[] = [];
    q.register("k", {
      run: (_j, signal) =>
        new Promise((_resolve, reject) => {
          started = true;
          signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
      failed: async (j) => void failures.push(j.subject),
    });
    await q.start();
    await q.enqueue("k", "k:long", "s");
    await until(() => started, "the job running");
    await q.stop();
    expect(await store.findByKey("k:long")).toMatchObject({ state: "running", attempts: 1, error: null });
    expect(failures).toEqual([]);
  });
});

describe("claiming jobs", () => {
  it("two claimers racing for one job: exactly one gets it", async () => {
    await store.enqueue("k", "k:race", "s");
    const at = new Date(Date.now() + 1000).toISOString();
    const other = onPostgres ? await openPostgres(dbUrl!) : { db };
    try {
      const claims = await Promise.all([store.claimNext(at, ["k"]), new JobStore(other.db).claimNext(at, ["k"])]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store.findByKey("k:race"))!.attempts).toBe(1);
    } finally {
      if (other.db !== db) await other.db.destroy();
    }
  });

  it("many claimers over many jobs: every job claimed once", async () => {
    for (let i = 0; i < 20; i++) await store.enqueue("k", `k:${i}`, `s${i}`);
    const at = new Date(Date.now() + 1000).toISOString();
    const others = onPostgres ? await Promise.all([1, 2, 3].map(() => openPostgres(dbUrl!))) : [];
    try {
      const stores = [store, ...others.map((o) => new JobStore(o.db))];
      const claimed = (
        await Promise.all(
          stores.map(async (s) => {
            const got: string[] = [];
            for (let job = await s.claimNext(at, ["k"]); job; job = await s.claimNext(at, ["k"])) got.push(job.key);
            return got;
          }),
        )
      ).flat();
      expect(claimed.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `k:${i}`).sort());
    } finally {
      for (const o of others) await o.db.destroy();
    }
  });

  // SKIP LOCKED is PostgreSQL's; SQLite has no row locks (one writer at a time).
  it.runIf(onPostgres)("a claimer skips a job another process holds locked instead of waiting for it", async () => {
    await store.enqueue("k", "k:held", "held");
    await new Promise((r) => setTimeout(r, 5));
    await store.enqueue("k", "k:free", "free");
    const at = new Date(Date.now() + 1000).toISOString();
    const other = await openPostgres(dbUrl!);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // Another process in the middle of claiming the oldest job: its row is locked.
    const holder = other.db.transaction().execute(async (trx) => {
      await trx.selectFrom("jobs").select("id").where("key", "=", "k:held").forUpdate().execute();
      locked();
      await released;
    });
    try {
      await isLocked;
      const timeout = new Promise<"waited">((r) => setTimeout(() => r("waited"), 2000));
      const job = await Promise.race([store.claimNext(at, ["k"]), timeout]);
      expect(job).not.toBe("waited");
      expect(job && job !== "waited" ? job.key : undefined).toBe("k:free");
    } finally {
      release();
      await holder;
      await other.db.destroy();
    }
  });

  // PostgreSQL only: SQLite serves one process, whose start-up takes back every running job.
  it.runIf(onPostgres)("a starting process does not take back a job another live process is running; once that process is gone it does", async () => {
    await store.enqueue("k", "k:owned", "s");
    const at = new Date(Date.now() + 1000).toISOString();
    const other = await openPostgres(dbUrl!);
    try {
      const held = await new JobStore(other.db).claimHeld(at, ["k"]);
      expect(held?.job.key).toBe("k:owned");
      expect(await store.requeueRunning()).toBe(0);
      expect((await store.findByKey("k:owned"))!.state).toBe("running");
      // The owner dies without finishing the job: its connection (the one holding the job) goes.
      await sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()`.execute(db);
      await until(async () => (await store.requeueRunning()) === 1, "the job taken back");
      expect((await store.findByKey("k:owned"))!.state).toBe("queued");
      await held!.release();
    } finally {
      await other.db.destroy().catch(() => undefined);
    }
  });
});
