import { sql, type Kysely } from "kysely";

/**
 * SQLite cannot drop a UNIQUE constraint or a UNIQUE column in place; the documented way is to
 * build the table anew, copy the rows and swap it in (sqlite.org/lang_altertable.html, "other
 * kinds of table schema changes"). `rewrite` receives the table's current CREATE statement (with
 * whatever columns earlier migrations added) and returns the new one for `<table>__new`; `columns`
 * are the columns to copy. Indexes are re-created from their stored SQL unless they mention a
 * dropped column. Foreign keys are switched off for the swap and checked before commit.
 */
export async function rebuildTable(
  db: Kysely<unknown>,
  table: string,
  rewrite: (createSql: string) => string,
  dropColumns: string[] = [],
): Promise<void> {
  const found = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const createSql = found.rows[0]?.sql;
  if (!createSql) throw new Error(`table ${table} not found`);
  const info = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  const columns = info.rows.map((r) => r.name).filter((c) => !dropColumns.includes(c));
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
  const keptIndexes = indexes.rows.map((r) => r.sql).filter((s) => !dropColumns.some((c) => s.includes(`"${c}"`)));

  const next = rewrite(createSql);
  if (!next.includes(`"${table}__new"`)) throw new Error(`rebuild of ${table}: the new statement must create "${table}__new"`);
  const list = sql.join(columns.map((c) => sql.ref(c)));

  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(next).execute(trx);
      await sql`insert into ${sql.table(`${table}__new`)} (${list}) select ${list} from ${sql.table(table)}`.execute(trx);
      await sql`drop table ${sql.table(table)}`.execute(trx);
      await sql`alter table ${sql.table(`${table}__new`)} rename to ${sql.table(table)}`.execute(trx);
      for (const index of keptIndexes) await sql.raw(index).execute(trx);
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`rebuild of ${table} would break ${broken.rows.length} foreign key(s)`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
