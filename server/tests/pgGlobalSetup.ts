import crypto from "node:crypto";
import { admin, onPostgres } from "./testDatabase.ts";

/**
 * Vitest global setup: with TEST_DATABASE=postgres, names this run (workers inherit the variable)
 * and drops whatever databases of the run are left at the end (servers killed by crash tests, or
 * restarted ones, never drop their own).
 */
export function setup(): void {
  if (onPostgres) process.env.CONFER_TEST_RUN ??= crypto.randomBytes(4).toString("hex");
}

export async function teardown(): Promise<void> {
  if (!onPostgres || !process.env.CONFER_TEST_RUN) return;
  const prefix = `confer_pg_${process.env.CONFER_TEST_RUN}_`;
  const { rows } = await admin<{ datname: string }>("select datname from pg_database where starts_with(datname, $1)", [prefix]);
  for (const { datname } of rows) await admin(`drop database if exists "${datname}" with (force)`);
}
