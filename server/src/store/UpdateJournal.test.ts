import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import * as Y from "yjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "./db.ts";
import { DocumentStore } from "./documents.ts";
import { SqliteDocumentStorage, type SqliteStorageOptions } from "./SqliteDocumentStorage.ts";
import { decodeJournal, encodeRecord, UpdateJournal } from "./UpdateJournal.ts";
import { UserStore } from "./users.ts";
import { onPostgres } from "../../tests/testDatabase.ts";

const bytes = (...xs: number[]) => new Uint8Array(xs);

describe("the edit journal's format", () => {
  const records = [
    { docId: "doc-a", firstId: 1, updates: [bytes(1, 2, 3), bytes(4)] },
    { docId: "dóc-b", firstId: 3, updates: [bytes()] },
    { docId: "doc-a", firstId: 2 ** 40, updates: [new Uint8Array(70_000).fill(9)] },
  ];
  const whole = Buffer.concat(records.map(encodeRecord));

  it("reads back what was written", () => {
    expect(decodeJournal(whole)).toEqual({ records, tornBytes: 0 });
  });

  it("stops at a torn last record (a write a crash interrupted, never acknowledged)", () => {
    const cut = whole.subarray(0, whole.length - 10);
    const { records: read, tornBytes } = decodeJournal(cut);
    expect(read).toEqual(records.slice(0, 2));
    expect(tornBytes).toBe(encodeRecord(records[2]!).length - 10);
  });

  it("stops at a corrupt record, whatever follows", () => {
    const bad = Buffer.from(whole);
    bad[encodeRecord(records[0]!).length + 12]! ^= 0xff;
    expect(decodeJournal(bad).records).toEqual(records.slice(0, 1));
  });
});

/** `n` Yjs updates, each typing one more letter. */
function edits(n: number): Uint8Array[] {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) source.getText("t").insert(i, String.fromCharCode(97 + (i % 26)));
  return updates;
}

function textOf(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): string {
  const doc = new Y.Doc();
  for (const part of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part);
  return doc.getText("t").toString();
}

describe.skipIf(onPostgres)("SQLite storage with DURABILITY=process: appends through the edit journal", () => {
  let dir: string;
  let opened: { db: DB; storage: SqliteDocumentStorage; file: string }[];
  let docId: string;

  async function open(at: string, extra: Partial<SqliteStorageOptions> = {}) {
    const { db, sqlite, file } = await openDatabase(at);
    const storage = new SqliteDocumentStorage(db, sqlite, { durability: "process", busyTimeoutMs: 300, file, ...extra });
    opened.push({ db, storage, file });
    return { db, storage, file };
  }

  /** Rows of the log in the database file, read by another connection. */
  function rows(file: string): number {
    const other = new Database(file, { readonly: true });
    try {
      return other.prepare("SELECT count(*) FROM doc_updates WHERE doc_id = ?").pluck().get(docId) as number;
    } finally {
      other.close();
    }
  }

  /** The files a crash at this moment would leave (the database, its write-ahead log, the journal). */
  function crashImage(file: string): string {
    const to = fs.mkdtempSync(path.join(os.tmpdir(), "confer-crash-"));
    for (const suffix of ["", "-wal", "-edits"]) if (fs.existsSync(file + suffix)) fs.copyFileSync(file + suffix, path.join(to, path.basename(file) + suffix));
    return to;
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-journal-"));
    opened = [];
    const { db } = await open(dir);
    const owner = await new UserStore(db).create({ name: "O", email: "o@acme.io", passwordHash: "x", verified: true, placement: { company: "Acme" }, maxUnconfirmed: 3 });
    docId = (await new DocumentStore(db).create(owner, "Doc")).id;
  });
  afterEach(async () => {
    for (const { storage, db } of opened.reverse()) {
      await storage.close();
      await db.destroy();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("acknowledges an append before its commit; loads see it at once; the fold stores it once and empties the journal", async () => {
    const { storage, file } = opened[0]!;
    const updates = edits(3);
    const ids = [];
    for (const u of updates) ids.push(await storage.append(docId, [u]));
    expect(ids[1]).toBe(ids[0]! + 1);
    expect(rows(file)).toBe(0);
    expect(fs.statSync(`${file}-edits`).size).toBeGreaterThan(0);
    const before = await storage.load(docId);
    expect(textOf(before)).toBe("abc");
    expect(before.lastId).toBe(ids[2]);

    await new Promise((r) => setTimeout(r, 200));
    expect(rows(file)).toBe(3);
    expect(fs.statSync(`${file}-edits`).size).toBe(0);
    const after = await storage.load(docId);
    expect(textOf(after)).toBe("abc");
    expect(after.lastId).toBe(ids[2]);
  });

  it("a crash before the fold loses nothing acknowledged: the next start folds the journal, and a torn tail is dropped", async () => {
    const { storage, file } = opened[0]!;
    const updates = edits(5);
    for (const u of updates.slice(0, 4)) await storage.append(docId, [u]);
    const image = crashImage(file);
    fs.appendFileSync(path.join(image, path.basename(file) + "-edits"), Buffer.from([40, 0, 0, 0, 1, 2]));
    try {
      const restarted = await open(image);
      expect(restarted.storage.recovered).toEqual({ records: 4, updates: 4, tornBytes: 6 });
      expect(textOf(await restarted.storage.load(docId))).toBe("abcd");
      expect(rows(restarted.file)).toBe(4);
      // New appends get ids after the recovered ones.
      const recoveredLastId = (await restarted.storage.load(docId)).lastId;
      expect(await restarted.storage.append(docId, [updates[4]!])).toBe(recoveredLastId + 1);
      expect(textOf(await restarted.storage.load(docId))).toBe("abcde");
    } finally {
      fs.rmSync(image, { recursive: true, force: true });
    }
  });

  it("a crash between the fold's commit and emptying the journal stores nothing twice, nor below a snapshot", async () => {
    const { storage, file } = opened[0]!;
    const updates = edits(4);
    const ids = [];
    for (const u of updates) ids.push(await storage.append(docId, [u]));
    const journal = fs.readFileSync(`${file}-edits`);
    // Folded and compacted through the second entry...
    const state = new Y.Doc();
    for (const u of updates.slice(0, 2)) Y.applyUpdate(state, u);
    expect(await storage.compact(docId, Y.encodeStateAsUpdate(state), ids[1]!)).toBe(true);
    expect(rows(file)).toBe(2);
    // ... and the journal as it was before the fold emptied it.
    const image = crashImage(file);
    fs.writeFileSync(path.join(image, path.basename(file) + "-edits"), journal);
    try {
      const restarted = await open(image);
      expect(restarted.storage.recovered).toEqual({ records: 4, updates: 0, tornBytes: 0 });
      expect(rows(restarted.file)).toBe(2);
      expect(textOf(await restarted.storage.load(docId))).toBe("abcd");
    } finally {
      fs.rmSync(image, { recursive: true, force: true });
    }
  });

  it("while another program holds the write lock, appends are acknowledged up to the journal's bound; past it they wait and fail; nothing acknowledged is lost", async () => {
    const first = opened.pop()!;
    await first.storage.close();
    await first.db.destroy();
    const { storage, file } = await open(dir, { journalMaxBytes: 1 });
    const updates = edits(3);
    await storage.append(docId, [updates[0]!]);
    const lock = new Database(file);
    lock.exec("BEGIN IMMEDIATE");
    try {
      // The first is in the journal (acknowledged); the journal is past its bound, so the next waits.
      const held = await storage.append(docId, [updates[1]!]).then(
        () => "acknowledged",
        (err: Error) => err.message,
      );
      expect(held).toMatch(/write lock/);
      expect(storage.stats.busyRetries).toBeGreaterThan(0);
      expect(textOf(await storage.load(docId))).toBe("a");
    } finally {
      lock.exec("ROLLBACK");
      lock.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(rows(file)).toBe(1);
    expect(fs.statSync(`${file}-edits`).size).toBe(0);
    expect(await storage.append(docId, [updates[1]!, updates[2]!])).toBeGreaterThan(0);
    expect(textOf(await storage.load(docId))).toBe("abc");
  });

  it("writes nothing for a document deleted before the fold, and folds nothing into it at the next start", async () => {
    const { storage, file, db } = opened[0]!;
    await storage.append(docId, edits(2));
    const image = crashImage(file);
    await new DocumentStore(db).delete(docId);
    await new Promise((r) => setTimeout(r, 200));
    expect(rows(file)).toBe(0);
    // The same deletion in the crash image, then a start with the journal still full.
    const other = new Database(path.join(image, path.basename(file)));
    other.prepare("DELETE FROM documents WHERE id = ?").run(docId);
    other.close();
    try {
      const restarted = await open(image);
      expect(restarted.storage.recovered).toMatchObject({ records: 1, updates: 0 });
      expect(rows(restarted.file)).toBe(0);
    } finally {
      fs.rmSync(image, { recursive: true, force: true });
    }
  });
});

describe("UpdateJournal.write", () => {
  it("appends records a later open reads back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-journal-file-"));
    try {
      const file = path.join(dir, "j");
      const { journal } = UpdateJournal.open(file);
      journal.write({ docId: "d", firstId: 5, updates: [bytes(1)] });
      journal.write({ docId: "d", firstId: 6, updates: [bytes(2)] });
      journal.close();
      const again = UpdateJournal.open(file);
      expect(again.left.map((r) => r.firstId)).toEqual([5, 6]);
      again.journal.clear();
      again.journal.close();
      expect(fs.statSync(file).size).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
