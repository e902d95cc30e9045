import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { openDatabase, type DB } from "../store/db.ts";
import { JobStore } from "../store/jobs.ts";
import { backoffMs, JobQueue, PermanentJobError } from "./JobQueue.ts";

let dir: string;
let db: DB;
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

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-jobs-"));
  ({ db } = await openDatabase(dir));
  store = new JobStore(db);
});
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
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

