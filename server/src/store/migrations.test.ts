import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrations } from "./migrations.ts";
import { openDatabase } from "./db.ts";

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
