import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import * as Y from "yjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, openPostgres, type DB } from "./db.ts";
import type { DocumentStorage } from "./DocumentStorage.ts";
import { DocumentStore } from "./documents.ts";
import { PgDocumentStorage } from "./PgDocumentStorage.ts";
import { SqliteDocumentStorage } from "./SqliteDocumentStorage.ts";
import { UserStore } from "./users.ts";
import { dropDatabase, freshDatabase, onPostgres } from "../../tests/testDatabase.ts";

/** One process's view of the test database: its query layer and its document storage. */
interface Side {
  db: DB;
  storage: DocumentStorage;
  close(): Promise<void>;
}

let where: string;
let first: Side;
let second: Side;

/** Opens the engine under test (SQLite, or PostgreSQL with TEST_DATABASE=postgres) at `where`, as one process would. */
async function open(): Promise<Side> {
  const opts = { durability: "process" as const, busyTimeoutMs: 5000 };
  if (onPostgres) {
    const { db, pool } = await openPostgres(where);
    const storage = new PgDocumentStorage(pool, opts);
    return { db, storage, close: async () => (await storage.close(), await db.destroy()) };
  }
  const { db, sqlite, file } = await openDatabase(where);
  // Two storages on one file, as two processes: without the edit journal, which belongs to one.
  const storage = new SqliteDocumentStorage(db, sqlite, { ...opts, file, journal: false });
  return { db, storage, close: async () => (await storage.close(), await db.destroy()) };
}

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

/** `n` Yjs updates, each typing one more letter, and the state after the first `k` of them. */
function edits(n: number) {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on("update", (u: Uint8Array) => updates.push(u));
  const text = source.getText("t");
  for (let i = 0; i < n; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  const stateAfter = (k: number) => {
    const doc = new Y.Doc();
    for (const u of updates.slice(0, k)) Y.applyUpdate(doc, u);
    return Y.encodeStateAsUpdate(doc);
  };
  return { updates, text: text.toString(), stateAfter };
}

/** What a reader makes of the stored state. */
function textOf(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): string {
  const doc = new Y.Doc();
  for (const part of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
  return doc.getText("t").toString();
}

describe(`the document storage (${onPostgres ? "PostgreSQL" : "SQLite"}): the compaction fence`, () => {
  let docId: string;

  beforeEach(async () => {
    where = onPostgres ? await freshDatabase() : fs.mkdtempSync(path.join(os.tmpdir(), "confer-fence-"));
    first = await open();
    second = await open();
    const owner = await new UserStore(first.db).create({
      name: "O",
      email: "o@acme.io",
      passwordHash: "x",
      verified: true,
      placement: { company: "Acme" },
      maxUnconfirmed: 3,
    });
    docId = (await new DocumentStore(first.db).create(owner, "Doc")).id;
  });
  afterEach(async () => {
    await second.close();
    await first.close();
    if (onPostgres) await dropDatabase(where);
    else fs.rmSync(where, { recursive: true, force: true });
  });

  it("a stale compaction (lower upToId, committed after a newer one) replaces nothing and drops nothing", async () => {
    const { updates, text, stateAfter } = edits(15);
    const ids: number[] = [];
    for (const u of updates) ids.push(await first.storage.append(docId, [u]));
    const [a, b] = [stateAfter(10), stateAfter(5)];
    // The newer compaction (through entry 10) commits first ...
    expect(await first.storage.compact(docId, a, ids[9]!)).toBe(true);
    // ... then another process's, made from its read through entry 5 before it stalled past its lock.
    expect(await second.storage.compact(docId, b, ids[4]!)).toBe(false);
    for (const side of [first, second]) {
      const stored = await side.storage.load(docId);
      expect(hex(stored.snapshot!)).toBe(hex(a));
      expect(stored.updates.map(hex)).toEqual(updates.slice(10).map(hex));
      expect(stored.lastId).toBe(ids[14]);
      expect(textOf(stored)).toBe(text);
    }
    // The same compaction again (a retried commit) is stale too; one that folds further applies.
    expect(await first.storage.compact(docId, a, ids[9]!)).toBe(false);
    expect(await second.storage.compact(docId, stateAfter(15), ids[14]!)).toBe(true);
    const stored = await first.storage.load(docId);
    expect(stored.updates).toEqual([]);
    expect(textOf(stored)).toBe(text);
  });

  it.runIf(onPostgres)("a stale compaction racing a newer one in flight waits for its row lock, then is skipped", async () => {
    const { updates, text, stateAfter } = edits(15);
    const ids: number[] = [];
    for (const u of updates) ids.push(await first.storage.append(docId, [u]));
    expect(await first.storage.compact(docId, stateAfter(3), ids[2]!)).toBe(true);
    // The newer compaction (through entry 10) is in flight: its transaction holds the snapshot's row.
    const newer = new pg.Client({ connectionString: where });
    await newer.connect();
    try {
      await newer.query("begin");
      await newer.query("update doc_snapshots set data = $1, upto_id = $2 where doc_id = $3", [Buffer.from(stateAfter(10)), ids[9], docId]);
      await newer.query("delete from doc_updates where doc_id = $1 and id <= $2", [docId, ids[9]]);
      let settled = false;
      const stale = second.storage.compact(docId, stateAfter(5), ids[4]!).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await newer.query("commit");
      expect(await stale).toBe(false);
    } finally {
      await newer.end();
    }
    const stored = await first.storage.load(docId);
    expect(hex(stored.snapshot!)).toBe(hex(stateAfter(10)));
    expect(stored.updates.map(hex)).toEqual(updates.slice(10).map(hex));
    expect(textOf(stored)).toBe(text);
  });

  it("in one group commit, a compaction queued after a newer one is skipped", async () => {
    const { updates, text, stateAfter } = edits(8);
    const ids: number[] = [];
    for (const u of updates) ids.push(await first.storage.append(docId, [u]));
    const results = await Promise.all([first.storage.compact(docId, stateAfter(6), ids[5]!), first.storage.compact(docId, stateAfter(3), ids[2]!)]);
    expect(results).toEqual([true, false]);
    const stored = await first.storage.load(docId);
    expect(hex(stored.snapshot!)).toBe(hex(stateAfter(6)));
    expect(stored.updates.map(hex)).toEqual(updates.slice(6).map(hex));
    expect(textOf(stored)).toBe(text);
  });
});
