import { sql, type Kysely, type Migration } from "kysely";
import { rebuildTable } from "./sqliteRebuild.ts";
import { columnTypes, onPostgres } from "./dialect.ts";
import { meetingsMigration } from "./meetingsMigration.ts";
import { minutesMigration, recordingPartsMigration } from "./minutesMigration.ts";

/**
 * Schema migrations, applied in key order at start-up, on SQLite and on PostgreSQL. Never edit one
 * that has shipped (issue 10 only made the column types and the SQLite-only rebuilds per-dialect:
 * the statements run on SQLite are unchanged).
 */
export const migrations: Record<string, Migration> = {
  "0001_initial": {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema
        .createTable("orgs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("color", "text", (c) => c.notNull())
        .addColumn("is_org_admin", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("documents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("document_members")
        .addColumn("doc_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("document_members_pk", ["doc_id", "user_id"])
        .execute();
      await db.schema.createIndex("document_members_user").on("document_members").column("user_id").execute();
      await db.schema
        .createTable("doc_updates")
        .addColumn("id", t.serial, t.serialKey)
        .addColumn("doc_id", "text", (c) => c.notNull())
        .addColumn("data", t.blob, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("doc_updates_doc").on("doc_updates").columns(["doc_id", "id"]).execute();
      await db.schema
        .createTable("doc_snapshots")
        .addColumn("doc_id", "text", (c) => c.primaryKey())
        .addColumn("data", t.blob, (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await sql`select 1`.execute(db);
    },
  },
  "0002_sharing": {
    async up(db: Kysely<unknown>) {
      const t = columnTypes(db);
      await db.schema.alterTable("orgs").addColumn("allow_external", "integer", (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable("orgs").addColumn("email_domain", "text", (c) => c.notNull().defaultTo("")).execute();
      await db.schema
        .createTable("invites")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("doc_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("max_uses", "integer")
        .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("invites_doc").on("invites").column("doc_id").execute();
      await db.schema
        .createTable("activity")
        .addColumn("id", t.serial, t.serialKey)
        .addColumn("doc_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
        .addColumn("actor_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target_user_id", "text", (c) => c.references("users.id"))
        .addColumn("invite_id", "text")
        .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("activity_doc").on("activity").columns(["doc_id", "id"]).execute();
    },
  },
  "0003_accounts": {
    async up(db: Kysely<unknown>) {
      // An address is a key only once it is proven: unconfirmed accounts (guests, servers without
      // SMTP) may share one, a confirmed address belongs to one account.
      if (onPostgres(db)) await sql`alter table "users" drop constraint "users_email_key"`.execute(db);
      else await rebuildTable(db, "users", (create) => rewrite(create, "users", [['"email" text not null unique', '"email" text not null']]));
      await db.schema.alterTable("users").addColumn("email_verified_at", "text").execute();
      await db.schema.createIndex("users_email").on("users").column("email").execute();
      await sql`create unique index "users_verified_email" on "users" ("email") where "email_verified_at" is not null`.execute(db);
      await db.schema.createIndex("users_org").on("users").column("org_id").execute();

      // Company names are not keys any more. The domain an organisation owns is one its founder
      // proved; none of the old ones were, so they are cleared.
      if (onPostgres(db)) await sql`alter table "orgs" drop column "name_key"`.execute(db);
      else await rebuildTable(db, "orgs", (create) => rewrite(create, "orgs", [['"name_key" text not null unique, ', ""]]), ["name_key"]);
      await sql`update "orgs" set "email_domain" = ''`.execute(db);
      await sql`create unique index "orgs_email_domain" on "orgs" ("email_domain") where "email_domain" <> ''`.execute(db);

      await db.schema
        .createTable("email_verifications")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("company", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("email_verifications_email").on("email_verifications").column("email").execute();

      await db.schema
        .createTable("org_invites")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("org_id", "text", (c) => c.notNull().references("orgs.id").onDelete("cascade"))
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_by", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("max_uses", "integer")
        .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("org_invites_org").on("org_invites").column("org_id").execute();
    },
  },
  "0010_meetings": meetingsMigration,
  "0020_minutes": minutesMigration,
  "0030_snapshot_fence": {
    async up(db: Kysely<unknown>) {
      // How far the stored snapshot has folded the log (the highest log id it covers): a compaction
      // that covers no more than this is stale (see DocumentStorage.compact). 0 for the snapshots
      // already stored, so the next compaction of each replaces them as before.
      await db.schema
        .alterTable("doc_snapshots")
        .addColumn("upto_id", onPostgres(db) ? "bigint" : "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  "0040_recording_parts": recordingPartsMigration,
};

/** A table's CREATE statement renamed to `<table>__new` with each `[from, to]` replaced; a missing `from` is an error. */
function rewrite(create: string, table: string, edits: [string, string][]): string {
  let next = create.replace(`CREATE TABLE "${table}"`, `CREATE TABLE "${table}__new"`);
  for (const [from, to] of edits) {
    if (!next.includes(from)) throw new Error(`migration: ${table} has no ${from}`);
    next = next.replace(from, to);
  }
  return next;
}
