import { sql, type QueryExecutorProvider } from "kysely";
import { onPostgres } from "./dialect.ts";

/**
 * Serialises transactions that read, decide and then write about the same thing (an address, an
 * organisation's domain) by taking a lock per key until the transaction ends. SQLite needs none:
 * its transactions already run one at a time. PostgreSQL runs them concurrently, and a row lock
 * cannot guard rows that do not exist yet (two sign-ups founding the same domain's organisation),
 * so these are transaction-scoped advisory locks, taken in sorted order so two never deadlock.
 */
export async function lockKeys(trx: QueryExecutorProvider, ...keys: (string | undefined)[]): Promise<void> {
  if (!onPostgres(trx)) return;
  for (const key of [...new Set(keys.filter((k): k is string => !!k))].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`confer:${key}`}, 0))`.execute(trx);
  }
}
