import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCodes } from "@confer/shared";
import { api, connect, createDoc, signup, startTestServer, synced, waitFor, type TestUser } from "./helpers.ts";
import { RawClient, syncFrame } from "./rawClient.ts";
import { controlStorage, storedDoc } from "./storageControl.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
let storage: ReturnType<typeof controlStorage>;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer({ UNLOAD_AFTER_MS: "150", COMPACT_AFTER_UPDATES: "5" });
  alice = await signup(server.url, { name: "Alice" });
  storage = controlStorage(server.services.storage);
});
afterEach(() => {
  storage.appends.open();
  storage.loads.open();
  storage.failAppends = undefined;
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  storage.restore();
  await server.close();
});

const collab = () => server.services.collab;

async function rowCounts(docId: string) {
  const count = async (table: "doc_updates" | "doc_snapshots") =>
    Number(
      (
        await server.services.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("doc_id", "=", docId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { updates: await count("doc_updates"), snapshots: await count("doc_snapshots") };
}

describe("write-through", () => {
  it("an update reaches other clients only once it is stored", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    const b = track(connect(server.url, docId, alice.cookie));
    await Promise.all([synced(a.provider), synced(b.provider)]);
    storage.appends.close();
    a.text.insert(0, "held");
    await waitFor(() => storage.appends.waiting === 1, "append in flight");
    // Presence is not stored: A's cursor, sent after the edit, arriving first proves the edit was held.
    a.provider.awareness.setLocalStateField("cursor", { anchor: 1 });
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cursor, "control message");
    expect(b.text.toString()).toBe("");
    storage.appends.open();
    await waitFor(() => b.text.toString() === "held", "stored edit relayed");
  });

  it("a newcomer's first sync holds only stored state", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "stored ");
    await waitFor(() => collab().roomStats(docId)?.storedVersion === collab().roomStats(docId)?.appliedVersion, "stored");
    storage.appends.close();
    a.text.insert(7, "unstored");
    await waitFor(() => storage.appends.waiting === 1, "append in flight");
    const c = track(connect(server.url, docId, alice.cookie));
    a.provider.awareness.setLocalStateField("cursor", { anchor: 2 });
    await waitFor(() => c.provider.awareness.getStates().get(a.doc.clientID)?.cursor, "c joined and hears presence");
    expect(c.provider.synced).toBe(false);
    expect(c.text.toString()).toBe("");
    storage.appends.open();
    await synced(c.provider);
    expect(c.text.toString()).toBe("stored unstored");
  });
});

describe("room lifecycle", () => {
  it("a failed append closes the room whole; clients reconnect into one fresh room, lose nothing acknowledged, and converge", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    const b = track(connect(server.url, docId, alice.cookie));
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.text.insert(0, "acknowledged ");
    await waitFor(() => b.text.toString() === "acknowledged ", "first edit relayed");
    const failed = collab().roomStats(docId)!;

    // The write takes a while, then fails, as a locked disk would.
    storage.appends.close();
    a.text.insert(a.text.length, "unacknowledged");
    await waitFor(() => storage.appends.waiting === 1, "append in flight");
    storage.failAppends = new Error("SQLITE_BUSY: database is locked");
    storage.appends.open();
    await waitFor(() => a.closes.includes(1011) && b.closes.includes(1011), "clients told to reconnect");
    storage.failAppends = undefined;

    // The stock clients reconnect by themselves; A sends what the server lacks.
    await waitFor(() => a.text.toString() === b.text.toString() && b.text.toString() === "acknowledged unacknowledged", "convergence", 15_000);
    const fresh = collab().roomStats(docId)!;
    expect(fresh.serial).not.toBe(failed.serial);
    expect(fresh.state).toBe("live");
    expect(fresh.connections).toBe(2);

    // Well past the unload delay, nothing of the failed room touches the live one.
    await new Promise((r) => setTimeout(r, 4 * 150));
    expect(collab().roomStats(docId)?.serial).toBe(fresh.serial);
    const c = track(connect(server.url, docId, alice.cookie));
    await synced(c.provider);
    expect(c.text.toString()).toBe("acknowledged unacknowledged");
    expect(collab().roomStats(docId)).toMatchObject({ serial: fresh.serial, connections: 3 });

    // Enough edits for compactions in the fresh room; storage still holds everything after each.
    for (let i = 0; i < 12; i++) b.text.insert(b.text.length, ".");
    await waitFor(() => c.text.length === "acknowledged unacknowledged".length + 12, "edits relayed");
    await waitFor(() => collab().roomStats(docId)?.storedVersion === collab().roomStats(docId)?.appliedVersion, "stored");
    expect((await storedDoc(server.services.storage, docId)).getText("t").toString()).toBe(c.text.toString());
  });

  it("a room that fails while loading is torn down, and the next connection loads a fresh one", async () => {
    const docId = await createDoc(server.url, alice);
    const load = storage.loads;
    load.close();
    const a = track(connect(server.url, docId, alice.cookie));
    await waitFor(() => load.waiting === 1, "load in flight");
    const failing = collab().roomStats(docId)!;
    expect(failing.state).toBe("loading");
    load.open(new Error("disk gone"));
    await waitFor(() => a.closes.includes(1011), "told to retry");
    await synced(a.provider);
    expect(collab().roomStats(docId)?.serial).not.toBe(failing.serial);
    a.text.insert(0, "after");
    await waitFor(async () => (await storedDoc(server.services.storage, docId)).getText("t").toString() === "after", "stored");
  });

  it("unloads an idle room and reloads it intact; a newcomer during the unload waits for it", async () => {
    const docId = await createDoc(server.url, alice);
    const a = connect(server.url, docId, alice.cookie);
    await synced(a.provider);
    for (let i = 0; i < 8; i++) a.text.insert(a.text.length, `${i}`);
    await waitFor(() => collab().roomStats(docId)?.storedVersion === collab().roomStats(docId)?.appliedVersion, "stored");
    const first = collab().roomStats(docId)!.serial;
    a.destroy();
    await waitFor(() => collab().roomStats(docId)?.state !== "live", "unload started", 5000);
    const b = track(connect(server.url, docId, alice.cookie));
    await synced(b.provider);
    expect(b.text.toString()).toBe("01234567");
    expect(collab().roomStats(docId)?.serial).not.toBe(first);
  });
});

describe("deleting a document", () => {
  it("drops the room at once and leaves nothing stored, even while a client keeps writing", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "content");
    const writer = await RawClient.open(server.url, `/collab/${docId}`, { cookie: alice.cookie });
    track({ destroy: () => writer.destroy() });
    expect(writer.status).toBe(101);
    await waitFor(() => writer.messages.length > 0, "raw client synced");
    const source = new Y.Doc();
    Y.applyUpdate(source, Y.encodeStateAsUpdate(a.doc));
    let n = 0;
    const writing = setInterval(() => {
      const before = Y.encodeStateVector(source);
      source.getText("t").insert(0, `${n++}`);
      writer.send(syncFrame(Y.encodeStateAsUpdate(source, before)));
    }, 5);
    try {
      await waitFor(async () => (await storedDoc(server.services.storage, docId)).getText("t").toString().startsWith("0"), "raw writes stored");

      const res = await api(server.url, "DELETE", `/api/docs/${docId}`, { cookie: alice.cookie });
      expect(res.status).toBe(200);
      expect(collab().isLoaded(docId)).toBe(false);
      expect(await rowCounts(docId)).toEqual({ updates: 0, snapshots: 0 });
      await waitFor(() => a.closes.includes(CloseCodes.NotFound.code), "stock client closed with 4404");
      await waitFor(() => writer.closeCode === CloseCodes.NotFound.code, "raw client told 4404");
      const sentAtClose = writer.written;
      // It ignores the close and goes on writing until the server cuts it off.
      await waitFor(() => writer.ended, "raw client cut off", 10_000);
      expect(writer.written).toBeGreaterThan(sentAtClose);
    } finally {
      clearInterval(writing);
    }
    expect(await rowCounts(docId)).toEqual({ updates: 0, snapshots: 0 });
    expect(collab().isLoaded(docId)).toBe(false);
    const again = await api(server.url, "GET", `/api/docs/${docId}`, { cookie: alice.cookie });
    expect(again.status).toBe(404);
  });

  it("waits for a write in flight, then deletes what it wrote", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    storage.appends.close();
    a.text.insert(0, "in flight");
    await waitFor(() => storage.appends.waiting === 1, "append in flight");
    let deleted = false;
    const deleting = api(server.url, "DELETE", `/api/docs/${docId}`, { cookie: alice.cookie }).then((r) => ((deleted = true), r));
    await waitFor(() => a.closes.includes(CloseCodes.NotFound.code), "closed with 4404");
    expect(deleted).toBe(false);
    storage.appends.open();
    expect((await deleting).status).toBe(200);
    expect(await rowCounts(docId)).toEqual({ updates: 0, snapshots: 0 });
  });
});
