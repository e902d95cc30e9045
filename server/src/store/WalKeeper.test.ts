import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { JOURNAL_SIZE_LIMIT, MAIN_BUSY_TIMEOUT_MS } from "./db.ts";
import { WalKeeper } from "./WalKeeper.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A database set up as the server's main connection: WAL, no automatic checkpoints, a tiny busy timeout. */
function openMain() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-walkeeper-"));
  dirs.push(dir);
  const file = path.join(dir, "db.sqlite");
  const db = new SQLite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.pragma(`busy_timeout = ${MAIN_BUSY_TIMEOUT_MS}`);
  db.exec("CREATE TABLE t (v TEXT)");
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  const write = (n = 50) => {
    for (let i = 0; i < n; i++) insert.run("x".repeat(500));
  };
  return { db, file, write };
}

describe("the checkpoint worker and requests in flight", () => {
  it("does not rewind the log while a request is in flight, and does once it has ended", async () => {
    const { db, file, write } = openMain();
    const keeper = new WalKeeper(file, JOURNAL_SIZE_LIMIT);
    try {
      write();
      const end = await keeper.beginRequest();
      const during = await keeper.checkpoint();
      expect(during).toMatchObject({ restarted: false, busy: true });
      // The request's own write is not refused: nobody else took the write lock.
      expect(() => write(1)).not.toThrow();
      end();
      end(); // ending twice counts once
      write();
      const after = await keeper.checkpoint();
      expect(after).toMatchObject({ restarted: true, busy: false });
    } finally {
      await keeper.close();
      db.close();
    }
  });
});
