import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { isBusyError, openDatabase, openPostgres, type DB } from "./db.ts";
import type { DocumentStorage } from "./DocumentStorage.ts";
import { PgDocumentStorage } from "./PgDocumentStorage.ts";
import { SqliteDocumentStorage } from "./SqliteDocumentStorage.ts";

/** How long a starting server waits for an unreachable PostgreSQL before it gives up. */
const START_WAIT_MS = 30_000;

/** The engine the settings choose: SQLite under DATA_DIR by default, PostgreSQL when DATABASE_URL is set. */
export type Engine = "sqlite" | "postgres";

/** Opens (and migrates) the configured database: the typed query layer and the document storage on it. */
export async function openStorage(
  config: Pick<Config, "dataDir" | "durability" | "storageBusyTimeoutMs" | "databaseUrl" | "minutes" | "redis">,
  log: Logger,
): Promise<{ engine: Engine; db: DB; storage: DocumentStorage }> {
  const opts = { durability: config.durability, busyTimeoutMs: config.storageBusyTimeoutMs };
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    const open = () =>
      openPostgres(url, {
        onError: (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "a PostgreSQL connection was lost"),
        connectTimeoutMs: config.storageBusyTimeoutMs,
        // Each running minutes job keeps one connection (JobStore.claimHeld); the rest serve requests and the log.
        poolSize: 10 + config.minutes.workers,
        durability: config.durability,
      });
    // Started beside its database (a compose file, a reboot), the server waits for it a while rather than exiting.
    const deadline = Date.now() + START_WAIT_MS;
    let opened: Awaited<ReturnType<typeof openPostgres>> | undefined;
    while (!opened) {
      try {
        opened = await open();
      } catch (err) {
        if (!isBusyError(err) || Date.now() > deadline) throw err;
        log.warn({ database: redactUrl(url), err: { message: (err as Error).message } }, "PostgreSQL is not reachable yet; trying again");
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const { db, pool } = opened;
    log.info({ database: redactUrl(config.databaseUrl) }, "storage: PostgreSQL");
    return { engine: "postgres", db, storage: new PgDocumentStorage(pool, opts) };
  }
  const { db, sqlite, file } = await openDatabase(config.dataDir, config.durability);
  // The edit journal belongs to one process: several in-process servers on one file (REDIS_URL
  // without DATABASE_URL, as the cluster tests run) commit each append instead.
  const storage = new SqliteDocumentStorage(db, sqlite, { ...opts, file, journal: !config.redis });
  const found = storage.recovered;
  if (found && (found.records || found.tornBytes)) log.warn(found, "storage: folded edits the last run acknowledged but had not stored in the database");
  return { engine: "sqlite", db, storage };
}

/** A connection string without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}
