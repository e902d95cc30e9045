import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrations } from "./migrations.ts";
import { openDatabase, openPostgres } from "./db.ts";
import { dropDatabase, freshDatabase, onPostgres } from "../../tests/testDatabase.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A database as the last release left it (migrations up to 0002), with a little data in it. */
async function releasedDatabase(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-migrate-"));
  dirs.push(dir);
  const sqlite = new SQLite(path.join(dir, "confer.sqlite"));
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  const old = { "0001_initial": migrations["0001_initial"]!, "0002_sharing": migrations["0002_sharing"]! };
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => old } }).migrateToLatest();
  if (error) throw error;
  const t = "2025-01-01T00:00:00.000Z";
  sqlite.prepare("insert into orgs (id, name, name_key, created_at, email_domain) values ('o1', 'Acme', 'acme', ?, 'acme.io')").run(t);
  sqlite
    .prepare("insert into users (id, org_id, name, email, password_hash, color, is_org_admin, created_at) values ('u1', 'o1', 'Alice', 'alice@acme.io', 'h', '#000', 1, ?)")
    .run(t);
  sqlite.prepare("insert into sessions (id_hash, user_id, created_at, expires_at) values ('s1', 'u1', ?, ?)").run(t, "2999-01-01T00:00:00.000Z");
  sqlite.prepare("insert into documents (id, title, owner_id, org_id, created_at, updated_at) values ('d1', 'Plan', 'u1', 'o1', ?, ?)").run(t, t);
  sqlite.prepare("insert into document_members (doc_id, user_id, role, created_at) values ('d1', 'u1', 'owner', ?)").run(t);
  await db.destroy();
  return dir;
}

describe("migration 0003_accounts", () => {
  it("keeps every row and reference, forgets unproven domains, and makes only proven addresses unique", async () => {
    const dir = await releasedDatabase();
    const { db, sqlite } = await openDatabase(dir);
    try {
      expect(sqlite.prepare("select id, name, email_domain from orgs").all()).toEqual([{ id: "o1", name: "Acme", email_domain: "" }]);
      expect(sqlite.prepare("select id, email, is_org_admin, email_verified_at from users").all()).toEqual([
        { id: "u1", email: "alice@acme.io", is_org_admin: 1, email_verified_at: null },
      ]);
      expect(sqlite.prepare("select user_id from sessions").all()).toEqual([{ user_id: "u1" }]);
      expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(sqlite.pragma("foreign_key_check")).toEqual([]);
      // References still hold after the tables were rebuilt.
      expect(() => sqlite.prepare("insert into document_members (doc_id, user_id, role, created_at) values ('d1', 'nobody', 'viewer', 'x')").run()).toThrow(
        /FOREIGN KEY/,
      );
      // Unconfirmed accounts may share an address; a confirmed one is unique.
      const insert = sqlite.prepare(
        "insert into users (id, org_id, name, email, password_hash, color, created_at, email_verified_at) values (?, 'o1', 'X', 'alice@acme.io', 'h', '#000', 'x', ?)",
      );
      insert.run("u2", null);
      insert.run("u3", "2025-02-01");
      expect(() => insert.run("u4", "2025-02-02")).toThrow(/UNIQUE/);
      // Two organisations may have one name; not one proven domain.
      const org = sqlite.prepare("insert into orgs (id, name, created_at, email_domain) values (?, 'Acme', 'x', ?)");
      org.run("o2", "");
      org.run("o3", "acme.io");
      expect(() => org.run("o4", "acme.io")).toThrow(/UNIQUE/);
    } finally {
      await db.destroy();
    }
  });
});

// Needs PostgreSQL: runs in `pnpm test:unit:pg` (TEST_DATABASE=postgres).
describe.runIf(onPostgres)("the same migrations on PostgreSQL", () => {
  it("make the same tables, columns, nullability, unique indexes and foreign keys as on SQLite", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-schema-"));
    dirs.push(dir);
    const lite = await openDatabase(dir);
    const pgUrl = await freshDatabase();
    const pgDb = await openPostgres(pgUrl);
    try {
      const liteSchema: Record<string, string[]> = {};
      const tables = lite.sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
      for (const t of tables) {
        const cols = lite.sqlite.prepare(`select name, "notnull" as nn, pk from pragma_table_info(?)`).all(t) as { name: string; nn: number; pk: number }[];
        const uniques = (lite.sqlite.prepare(`select name, origin from pragma_index_list(?) where "unique" = 1`).all(t) as { name: string; origin: string }[]).map(
          (i) => `unique(${(lite.sqlite.prepare("select name from pragma_index_info(?) order by seqno").pluck().all(i.name) as string[]).join(",")})`,
        );
        const fks = (lite.sqlite.prepare(`select "from" as c, "table" as t, on_delete as d from pragma_foreign_key_list(?)`).all(t) as { c: string; t: string; d: string }[]).map(
          (f) => `fk(${f.c}->${f.t} ${f.d.toLowerCase()})`,
        );
        liteSchema[t] = [...cols.map((c) => `${c.name}${c.nn || c.pk ? " not null" : ""}`), ...uniques, ...fks].sort();
      }
      const pgSchema: Record<string, string[]> = {};
      const pgCols = await sql<{ t: string; c: string; nullable: string }>`
        select table_name as t, column_name as c, is_nullable as nullable from information_schema.columns where table_schema = 'public'`.execute(pgDb.db);
      for (const r of pgCols.rows) (pgSchema[r.t] ??= []).push(`${r.c}${r.nullable === "NO" ? " not null" : ""}`);
      const pgUniques = await sql<{ t: string; cols: string }>`
        select ct.relname as t, string_agg(a.attname, ',' order by k.ord) as cols
        from pg_index i join pg_class ct on ct.oid = i.indrelid join pg_namespace n on n.oid = ct.relnamespace
        cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = ct.oid and a.attnum = k.attnum
        where n.nspname = 'public' and i.indisunique and not i.indisprimary
        group by i.indexrelid, ct.relname`.execute(pgDb.db);
      for (const r of pgUniques.rows) pgSchema[r.t]!.push(`unique(${r.cols})`);
      const pgFks = await sql<{ t: string; c: string; rt: string; d: string }>`
        select tc.table_name as t, kcu.column_name as c, ccu.table_name as rt, rc.delete_rule as d
        from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name
        join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
        join information_schema.referential_constraints rc on rc.constraint_name = tc.constraint_name
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'`.execute(pgDb.db);
      for (const r of pgFks.rows) pgSchema[r.t]!.push(`fk(${r.c}->${r.rt} ${r.d.toLowerCase()})`);
      for (const t of Object.keys(pgSchema)) pgSchema[t]!.sort();
      // SQLite lists a (non-integer) primary key as a unique index too (sqlite_autoindex); PostgreSQL does not.
      for (const t of Object.keys(liteSchema)) {
        const pk = lite.sqlite.prepare(`select name from pragma_table_info(?) where pk > 0 order by pk`).pluck().all(t) as string[];
        if (pk.length > 0) liteSchema[t] = liteSchema[t]!.filter((x) => x !== `unique(${pk.join(",")})`);
      }
      expect(pgSchema).toEqual(liteSchema);
    } finally {
      await lite.db.destroy();
      await pgDb.db.destroy();
      await dropDatabase(pgUrl);
    }
  });
});
