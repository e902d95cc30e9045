import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from "kysely";
import type { Database } from "./schema.ts";
import { migrations } from "./migrations.ts";

export type DB = Kysely<Database>;

/**
 * What an acknowledged write survives. "process": a crash or kill of the server process (the write
 * is in the operating system's hands when acknowledged). "disk": also a power loss or OS crash
 * (the log has been flushed to the disk when acknowledged).
 */
export type Durability = "process" | "disk";

/** The typed query layer, and the raw handle behind it for the one hot path (the update log). */
export interface OpenedDatabase {
  db: DB;
  sqlite: SQLite.Database;
  /** Path of the database file (its write-ahead log is this path + "-wal"). */
  file: string;
}

/**
 * How long a statement on the main connection waits for another connection's write lock before it
 * fails with SQLITE_BUSY. The wait blocks the event loop, so it stays tiny: the update log retries
 * asynchronously (DocumentStorage) and REST writes answer 503 (errors.ts).
 */
export const MAIN_BUSY_TIMEOUT_MS = 2;

/** Bytes the write-ahead log is truncated back to when it is rewound (every connection must set it). */
export const JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024;

/**
 * Opens (creating if needed) the SQLite database under `dataDir` and migrates it. WAL mode with
 * automatic checkpoints off: commits append to the log without syncing on the event loop, and
 * `WalKeeper` checkpoints from a worker thread. With durability "disk" the connection is
 * synchronous=FULL (REST writes sync as they commit; the update log flushes off the loop, see
 * DocumentStorage); with "process" it is NORMAL, which in WAL mode survives a process crash and
 * never corrupts the database, but may lose the last commits in a power loss.
 */
export async function openDatabase(dataDir: string, durability: Durability = "process"): Promise<OpenedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "confer.sqlite");
  const sqlite = new SQLite(file);
  // Takes effect on a new database: freed pages (compacted logs) can then be returned to the disk.
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  sqlite.pragma("journal_mode = WAL");
  // The WAL is reused after each checkpoint; past this size it is truncated back.
  sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  sqlite.pragma(`synchronous = ${durability === "disk" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("wal_autocheckpoint = 0");
  sqlite.pragma("foreign_keys = ON");
  // Nothing is served yet: migrations may wait for another process's write lock.
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
  sqlite.pragma(`busy_timeout = ${MAIN_BUSY_TIMEOUT_MS}`);
  return { db, sqlite, file };
}

/** Whether `err` means another connection holds the database's write lock (SQLITE_BUSY and its variants). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** Current time as the ISO string every timestamp column holds. */
export const now = () => new Date().toISOString();
