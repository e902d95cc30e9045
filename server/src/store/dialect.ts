import { PostgresAdapter, type ColumnBuilderCallback, type QueryExecutorProvider } from "kysely";

/** Whether a Kysely instance (or transaction) talks to PostgreSQL rather than SQLite. */
export function onPostgres(db: QueryExecutorProvider): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Column types that are spelled differently per engine, for migrations: on SQLite exactly what the
 * migrations always used (so an existing database file migrates as before); on PostgreSQL their
 * equivalents (bytea for blobs, bigserial for the autoincrementing log ids, double precision for REAL).
 */
export function columnTypes(db: QueryExecutorProvider) {
  const pg = onPostgres(db);
  const serialKey: ColumnBuilderCallback = pg ? (c) => c.primaryKey() : (c) => c.primaryKey().autoIncrement();
  return {
    blob: pg ? ("bytea" as const) : ("blob" as const),
    serial: pg ? ("bigserial" as const) : ("integer" as const),
    serialKey,
    real: pg ? ("double precision" as const) : ("real" as const),
  };
}
