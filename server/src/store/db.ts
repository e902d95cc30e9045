import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from "kysely";
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

/** The PostgreSQL side: the typed query layer over a connection pool. */
export interface OpenedPostgres {
  db: DB;
  pool: pg.Pool;
}

/** Connections the pool opens at most by default: the update log uses one at a time, REST the rest. */
const PG_POOL_SIZE = 10;

/**
 * Opens the PostgreSQL database at `url` and migrates it (the same migrations as SQLite; Kysely
 * takes an advisory lock, so processes starting together migrate once). A connection the server
 * loses while idle is logged through `onError`, never thrown: the pool opens a new one on demand.
 * `connectTimeoutMs` bounds how long a query waits for a connection, so a database that went away
 * turns into a clear error (isBusyError) instead of a hang.
 */
export async function openPostgres(
  url: string,
  opts: {
    onError?: (err: Error) => void;
    connectTimeoutMs?: number;
    poolSize?: number;
    /**
     * "process": commits return before PostgreSQL has flushed them (synchronous_commit=off): they
     * survive a crash of Confer, not one of PostgreSQL or the machine (up to three wal_writer_delay
     * of commits may be lost then, the database staying consistent), like SQLite's
     * synchronous=NORMAL. "disk" (the default): as the database is configured, flushed by default.
     */
    durability?: Durability;
  } = {},
): Promise<OpenedPostgres> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? PG_POOL_SIZE,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    ...(opts.durability === "process" ? { options: "-c synchronous_commit=off" } : {}),
    // bigint (count(*), bigserial ids) as a JavaScript number, as SQLite returns them: ids stay far below 2^53.
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  pool.on("error", (err) => opts.onError?.(err));
  // A connection lost while checked out (between a transaction's statements) emits "error" on its
  // client, which would otherwise be an uncaught exception; its next query fails and is retried.
  pool.on("connect", (client) => client.on("error", (err) => opts.onError?.(err)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const { error } = await new Migrator({ db, provider }).migrateToLatest();
    if (error) throw error;
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, pool };
}

const INT8_OID = 20;

/** PostgreSQL error classes that mean "try again": connection exceptions, serialization failures and deadlocks, lock timeouts, too many connections, the server shutting down. */
const PG_RETRYABLE = /^(08|40|53|55P03|57P0[1-3])/;
/** Node socket errors and pg's own messages when the connection is lost or cannot be made. */
const NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);
const PG_LOST = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|Client was closed/i;

/**
 * Whether `err` means the database cannot take the write right now, with nothing changed: on SQLite
 * another connection holds the write lock (SQLITE_BUSY and its variants); on PostgreSQL the server
 * is unreachable or restarting, or the transaction lost a serialization/lock conflict.
 */
export function isBusyError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = e?.code;
  if (typeof code === "string" && (code.startsWith("SQLITE_BUSY") || NET_CODES.has(code))) return true;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && PG_RETRYABLE.test(code)) return true;
  if (err instanceof AggregateError) return err.errors.some(isBusyError);
  return typeof e?.message === "string" && PG_LOST.test(e.message);
}

/** Current time as the ISO string every timestamp column holds. */
export const now = () => new Date().toISOString();
