import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, openPostgres, type DB } from "../src/store/db.ts";

/**
 * Integration tests run on SQLite by default and on PostgreSQL with `TEST_DATABASE=postgres`
 * (`pnpm test:unit:pg`): every test server then gets a fresh database of its own on the
 * PostgreSQL at `TEST_PG_URL` (default 127.0.0.1:5432, user postgres), named after its data
 * directory, so a server restarted on the same data directory finds the same database.
 */
export const onPostgres = process.env.TEST_DATABASE === "postgres";

/** The PostgreSQL server the tests create their databases on (a connection string to its `postgres` database). */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** This run's prefix: `confer_pg_<run>_…`; the global teardown drops every database with it. */
export function runPrefix(): string {
  return `confer_pg_${process.env.CONFER_TEST_RUN ?? `p${process.pid}`}_`;
}

/** A connection string for database `name` on the test server. */
export function urlOf(name: string): string {
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on the test server's maintenance database. */
export async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

/** The database that belongs to `dataDir` (created empty the first time it is asked for); its connection string. */
export async function databaseFor(dataDir: string): Promise<string> {
  const name = runPrefix() + crypto.createHash("sha1").update(dataDir).digest("hex").slice(0, 16);
  try {
    await admin(`create database "${name}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== "42P04") throw err; // exists already: a restart on the same data directory
  }
  return urlOf(name);
}

/** A fresh database with a random name (for store-level tests); its connection string. */
export async function freshDatabase(): Promise<string> {
  const name = runPrefix() + crypto.randomBytes(8).toString("hex");
  await admin(`create database "${name}"`);
  return urlOf(name);
}

/** Drops a test database (its connections are ended first). */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith("confer_pg_")) throw new Error(`refusing to drop ${name}: not a test database`);
  await admin(`drop database if exists "${name}" with (force)`);
}

/**
 * A migrated database for store-level tests on the engine under test: a temporary SQLite file, or
 * a fresh PostgreSQL database with TEST_DATABASE=postgres. `reopen` opens another connection (pool)
 * to it, as another process would; `close` destroys the first one and removes the database.
 */
export async function openTestDatabase(): Promise<{ db: DB; url: string | undefined; reopen(): Promise<DB>; close(): Promise<void> }> {
  if (onPostgres) {
    const url = await freshDatabase();
    const { db } = await openPostgres(url);
    return { db, url, reopen: async () => (await openPostgres(url)).db, close: async () => (await db.destroy(), await dropDatabase(url)) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-db-"));
  const { db } = await openDatabase(dir);
  return {
    db,
    url: undefined,
    reopen: async () => (await openDatabase(dir)).db,
    close: async () => (await db.destroy(), fs.rmSync(dir, { recursive: true, force: true })),
  };
}
