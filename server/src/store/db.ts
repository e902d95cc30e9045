import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from "kysely";
import type { Database } from "./schema.ts";
import { migrations } from "./migrations.ts";

export type DB = Kysely<Database>;

/** The typed query layer, and the raw handle behind it for the one hot path (the update log). */
export interface OpenedDatabase {
  db: DB;
  sqlite: SQLite.Database;
}

/**
 * Opens (creating if needed) the SQLite database under `dataDir` and migrates it.
 * WAL with synchronous=FULL: a committed write survives a process crash and a power loss.
 */
export async function openDatabase(dataDir: string): Promise<OpenedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true });
  const sqlite = new SQLite(path.join(dataDir, "confer.sqlite"));
  // Takes effect on a new database: freed pages (compacted logs) can then be returned to the disk.
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  sqlite.pragma("journal_mode = WAL");
  // The WAL is reused after each checkpoint; past this size it is truncated back.
  sqlite.pragma("journal_size_limit = 4194304");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
  return { db, sqlite };
}

/** Current time as the ISO string every timestamp column holds. */
export const now = () => new Date().toISOString();
