import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { connect, createDoc, signup, startTestServer, synced, waitFor } from "./helpers.ts";

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
});
