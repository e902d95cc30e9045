import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { openStorage } from "./openStorage.ts";
import { dropDatabase, freshDatabase, onPostgres } from "../../tests/testDatabase.ts";

describe("DURABILITY per engine", () => {
  it("defaults to process on SQLite and to disk on PostgreSQL; an explicit setting wins", () => {
    expect(loadConfig({}).durability).toBe("process");
    expect(loadConfig({ DATABASE_URL: "postgres://db/confer" }).durability).toBe("disk");
    expect(loadConfig({ DATABASE_URL: "postgres://db/confer", DURABILITY: "process" }).durability).toBe("process");
    expect(loadConfig({ DURABILITY: "disk" }).durability).toBe("disk");
  });

  // Needs PostgreSQL: runs in `pnpm test:unit:pg` (TEST_DATABASE=postgres).
  describe.runIf(onPostgres)("on PostgreSQL", () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    for (const [durability, expected] of [
      [undefined, "on"],
      ["process", "off"],
    ] as const) {
      it(`commits with synchronous_commit=${expected} when DURABILITY is ${durability ?? "unset"}`, async () => {
        const url = await freshDatabase();
        cleanups.push(() => dropDatabase(url));
        const config = loadConfig({ DATABASE_URL: url, ...(durability ? { DURABILITY: durability } : {}) });
        const { db, storage } = await openStorage(config, createLogger("silent"));
        cleanups.push(async () => {
          await storage.close();
          await db.destroy();
        });
        // Every connection of the pool (the log's commits and the typed queries share it) says the same.
        const answers = await Promise.all([1, 2, 3].map(() => sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)));
        expect(answers.map((a) => a.rows[0]!.synchronous_commit)).toEqual([expected, expected, expected]);
      });
    }
  });
});
