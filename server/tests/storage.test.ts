import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import * as Y from "yjs";
import { api, connect, createDoc, signup, startTestServer, synced, waitFor } from "./helpers.ts";
import { onPostgres } from "./testDatabase.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;

beforeAll(async () => {
  server = await startTestServer({ COMPACT_AFTER_UPDATES: "100", UNLOAD_AFTER_MS: "50" });
});
afterAll(() => server.close());

async function logLength(docId: string): Promise<number> {
  const rows = await server.services.db
    .selectFrom("doc_updates")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("doc_id", "=", docId)
    .executeTakeFirstOrThrow();
  return Number(rows.n);
}

describe("document storage", () => {
  it("compacts the update log into a snapshot in the background", async () => {
    const alice = await signup(server.url);
    const docId = await createDoc(server.url, alice);
    const a = connect(server.url, docId, alice.cookie);
    await synced(a.provider);
    const watcher = connect(server.url, docId, alice.cookie);
    for (let i = 0; i < 250; i++) a.text.insert(a.text.length, "x");
    await waitFor(() => watcher.text.length === 250, "edits relayed");
    await waitFor(async () => (await logLength(docId)) < 100, "log compacted");
    watcher.destroy();
    const snap = await server.services.db.selectFrom("doc_snapshots").select("data").where("doc_id", "=", docId).executeTakeFirst();
    expect(snap).toBeDefined();
    a.destroy();
    await waitFor(() => !server.services.collab.isLoaded(docId), "unloaded");
    const b = connect(server.url, docId, alice.cookie);
    await waitFor(() => b.text.length === 250, "content after compaction");
    b.destroy();
  });

  it("loads a document from a log of 20,000 updates", async () => {
    const alice = await signup(server.url);
    const docId = await createDoc(server.url, alice);
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (u: Uint8Array) => updates.push(u));
    const text = source.getText("t");
    for (let i = 0; i < 20_000; i++) text.insert(i, String.fromCharCode(97 + (i % 26)));
    await server.services.storage.append(docId, updates);
    const reader = connect(server.url, docId, alice.cookie);
    await synced(reader.provider);
    await waitFor(() => reader.text.length === 20_000, "long log loaded");
    expect(reader.text.toString()).toBe(text.toString());
    reader.destroy();
  });

  it("compaction folds only the entries up to upToId; entries appended after are kept", async () => {
    const alice = await signup(server.url);
    const docId = await createDoc(server.url, alice);
    const { storage } = server.services;
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (u: Uint8Array) => updates.push(u));
    const text = source.getText("t");
    for (const ch of "abcd") text.insert(text.length, ch);
    const upToId = await storage.append(docId, updates.slice(0, 2));
    const folded = new Y.Doc();
    Y.applyUpdate(folded, Y.mergeUpdates(updates.slice(0, 2)));
    await storage.append(docId, [updates[2]!]);
    // Queued in one turn, after the append: one transaction inserts it, then compacts up to upToId.
    const later = storage.append(docId, [updates[3]!]);
    const compacted = storage.compact(docId, Y.encodeStateAsUpdate(folded), upToId);
    await Promise.all([later, compacted]);
    const stored = await storage.load(docId);
    expect(stored.updates.map((u) => Buffer.from(u).toString("hex"))).toEqual([updates[2]!, updates[3]!].map((u) => Buffer.from(u).toString("hex")));
    expect(stored.lastId).toBe(await later);
    const loaded = new Y.Doc();
    for (const part of [stored.snapshot!, ...stored.updates]) Y.applyUpdate(loaded, part);
    expect(loaded.getText("t").toString()).toBe("abcd");
  });

  it("deleteDocument removes a document's log and snapshot; appends queued after it write nothing", async () => {
    const alice = await signup(server.url);
    const docId = await createDoc(server.url, alice);
    const { storage } = server.services;
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (u: Uint8Array) => updates.push(u));
    source.getText("t").insert(0, "gone");
    const lastId = await storage.append(docId, updates);
    await storage.compact(docId, Y.encodeStateAsUpdate(source), lastId);
    await storage.append(docId, updates);
    await storage.deleteDocument(docId);
    expect(await storage.load(docId)).toEqual({ snapshot: null, updates: [], lastId: 0 });
    // The document's row goes too (REST delete): an append racing with it writes nothing.
    const del = await api(server.url, "DELETE", `/api/docs/${docId}`, { cookie: alice.cookie });
    expect(del.status).toBeLessThan(300);
    expect(await storage.append(docId, updates)).toBe(0);
    expect(await logLength(docId)).toBe(0);
  });
});

// SQLite only: its write-ahead log file and checkpoint worker. PostgreSQL manages its own WAL.
describe.skipIf(onPostgres)("the write-ahead log", () => {
  it("is checkpointed and rewound under a steady stream of commits, so it stays bounded", async () => {
    const alice = await signup(server.url);
    const docId = await createDoc(server.url, alice);
    const { storage } = server.services;
    const wal = path.join(server.dataDir, "confer.sqlite-wal");
    const checkpoints = storage.stats.checkpoints;
    // 25,000 appends of one 2 kB update each, the event loop turning every 100 of them (a steady
    // stream of commits: one per MiB of edit journal): over 50 MB of log frames if it were never rewound.
    for (let i = 0; i < 25_000; i++) {
      const source = new Y.Doc();
      source.getText("t").insert(0, String(i % 10).repeat(2000));
      await storage.append(docId, [Y.encodeStateAsUpdate(source)]);
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => storage.stats.checkpoints >= checkpoints + 2, "checkpoint cycles");
    expect(fs.statSync(wal).size).toBeLessThan(30 * 1024 * 1024);
  }, 60_000);
});

// SQLite only: the fdatasync of the log file. On PostgreSQL a commit is as durable as the
// database's synchronous_commit makes it (flushed to the disk by default), whatever DURABILITY says.
describe.skipIf(onPostgres)("document storage with DURABILITY=disk", () => {
  let disk: Server;
  beforeAll(async () => {
    disk = await startTestServer({ DURABILITY: "disk" });
  });
  afterAll(() => disk.close());

  it("acknowledges an append only after the log was flushed to the disk", async () => {
    const alice = await signup(disk.url);
    const docId = await createDoc(disk.url, alice);
    const { storage } = disk.services;
    const before = storage.stats.flushes;
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "flushed");
    const pending = storage.append(docId, [Y.encodeStateAsUpdate(doc)]);
    expect(storage.stats.flushes).toBe(before);
    await pending;
    expect(storage.stats.flushes).toBeGreaterThan(before);
    expect((await storage.load(docId)).updates).toHaveLength(1);
  });
});

