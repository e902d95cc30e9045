import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { openDatabase, openPostgres, type DB } from "./db.ts";
import type { DocumentStorage } from "./DocumentStorage.ts";
import { PgDocumentStorage } from "./PgDocumentStorage.ts";
import { SqliteDocumentStorage } from "./SqliteDocumentStorage.ts";

/** The engine the settings choose: SQLite under DATA_DIR by default, PostgreSQL when DATABASE_URL is set. */
export type Engine = "sqlite" | "postgres";

/** Opens (and migrates) the configured database: the typed query layer and the document storage on it. */
export async function openStorage(
  config: Pick<Config, "dataDir" | "durability" | "storageBusyTimeoutMs" | "databaseUrl" | "minutes">,
  log: Logger,
): Promise<{ engine: Engine; db: DB; storage: DocumentStorage }> {
  const opts = { durability: config.durability, busyTimeoutMs: config.storageBusyTimeoutMs };
  if (config.databaseUrl) {
    const { db, pool } = await openPostgres(config.databaseUrl, {
      onError: (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "a PostgreSQL connection was lost"),
      connectTimeoutMs: config.storageBusyTimeoutMs,
      // Each running minutes job keeps one connection (JobStore.claimHeld); the rest serve requests and the log.
      poolSize: 10 + config.minutes.workers,
    });
    log.info({ database: redactUrl(config.databaseUrl) }, "storage: PostgreSQL");
    return { engine: "postgres", db, storage: new PgDocumentStorage(pool, opts) };
  }
  const { db, sqlite, file } = await openDatabase(config.dataDir, config.durability);
  return { engine: "sqlite", db, storage: new SqliteDocumentStorage(db, sqlite, { ...opts, file }) };
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
