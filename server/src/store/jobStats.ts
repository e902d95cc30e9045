import type { DB } from "./db.ts";

/** Jobs waiting to run: queued now or waiting for a retry (the job queue depth of /metrics). */
export async function countQueuedJobs(db: DB): Promise<number> {
  const row = await db
    .selectFrom("jobs")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .where("state", "=", "queued")
    .executeTakeFirst();
  // PostgreSQL returns count(*) as a string (bigint); SQLite as a number.
  return Number(row?.n ?? 0);
}
