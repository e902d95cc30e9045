import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import { CloseCodes } from "@confer/shared";
import { api, connect, createDoc, SCHEMA_QUERY, signup, startTestServer, synced, upgradeStatus, waitFor, type TestUser } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer({ UNLOAD_AFTER_MS: "200" });
  alice = await signup(server.url, { name: "Alice", company: "Acme" });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server.close());

/** Opens a raw socket to a document with a cookie; resolves once it is open. */
async function rawSocket(docId: string, cookie: string) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${docId}?${SCHEMA_QUERY}`, { headers: { cookie } });
  const received: Buffer[] = [];
  ws.on("message", (d: Buffer) => received.push(d));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return { ws, received };
}

describe("sync server", () => {
  it("two stock clients converge, including concurrent edits", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    const b = track(connect(server.url, docId, alice.cookie));
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.text.insert(0, "Hello");
    b.text.insert(0, "World ");
    await waitFor(() => a.text.toString() === b.text.toString() && a.text.length === 11, "convergence");
    expect(a.text.toString()).toMatch(/Hello|World/);
  });

  it("a newcomer receives what was written before it joined", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.doc.getMap("meta").set("k", "v"); // a shared type other than the editor's is accepted
    a.text.insert(0, "before");
    const b = track(connect(server.url, docId, alice.cookie));
    await waitFor(() => b.text.toString() === "before" && b.doc.getMap("meta").get("k") === "v", "initial state");
  });

  it("refuses a person who is not a member with HTTP 403 before upgrading", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "secret");
    const mallory = await signup(server.url, { name: "Mallory", company: "Evil" });
    expect(await upgradeStatus(server.url, docId, mallory.cookie)).toBe(403);
    expect(await upgradeStatus(server.url, docId, alice.cookie)).toBe(101); // positive control
  });

  it("refuses a connection without a session (HTTP 401) and an unknown document (HTTP 404)", async () => {
    const docId = await createDoc(server.url, alice);
    expect(await upgradeStatus(server.url, docId)).toBe(401);
    expect(await upgradeStatus(server.url, docId, "confer_sid=not-a-session")).toBe(401);
    expect(await upgradeStatus(server.url, "doesNotExist123", alice.cookie)).toBe(404);
    expect(await upgradeStatus(server.url, "bad%ZZid", alice.cookie)).toBe(400);
    // A stock client refused at the upgrade never gets any document data.
    const anon = track(connect(server.url, docId, undefined));
    await waitFor(() => anon.closes.length > 0, "refused");
    expect(anon.doc.getText("t").length).toBe(0);
  });

  it("refuses a WebSocket from another site's page", async () => {
    const docId = await createDoc(server.url, alice);
    expect(await upgradeStatus(server.url, docId, alice.cookie, { origin: "https://evil.example" })).toBe(403);
  });

  it("survives random and truncated frames with the document intact", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "intact text");
    await waitFor(async () => (await api(server.url, "GET", `/api/docs/${docId}`, { cookie: alice.cookie })).status === 200, "doc");

    const { ws } = await rawSocket(docId, alice.cookie);
    // A real update, truncated at every length.
    const other = new Y.Doc();
    other.getText("t").insert(0, "should not appear");
    const update = Y.encodeStateAsUpdate(other);
    const frame = (payload: Uint8Array, sub = 2) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, sub);
      encoding.writeVarUint8Array(e, payload);
      return encoding.toUint8Array(e);
    };
    const full = frame(update);
    for (let len = 1; len < full.length; len++) ws.send(full.subarray(0, len));
    // The update payload itself cut short, in a well-formed frame.
    for (let len = 1; len < update.length; len++) ws.send(frame(update.subarray(0, len)));
    // Random bytes, with and without a sync header; unknown types; text frames; a bad awareness update.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16) & 0xff;
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from({ length: 1 + (i % 60) }, rand);
      ws.send(bytes);
      ws.send(frame(bytes));
    }
    ws.send(Uint8Array.from([9, 9, 9]));
    ws.send("not binary");
    ws.send(Uint8Array.from([1, 5, 1, 2, 3]));
    await new Promise((r) => setTimeout(r, 300));

    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    const b = track(connect(server.url, docId, alice.cookie));
    await synced(b.provider);
    await waitFor(() => b.text.toString() === "intact text", "intact document");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The server still accepts and relays real edits.
    b.text.insert(0, ">> ");
    await waitFor(() => a.text.toString() === ">> intact text", "later edit relayed");
  });

  it("refuses a frame larger than MAX_MESSAGE_BYTES and stays up", async () => {
    const small = await startTestServer({ MAX_MESSAGE_BYTES: "1024" });
    try {
      const u = await signup(small.url);
      const docId = await createDoc(small.url, u);
      const ws = new WebSocket(`${small.url.replace("http", "ws")}/collab/${docId}`, { headers: { cookie: u.cookie } });
      await new Promise((r) => ws.once("open", r));
      ws.send(new Uint8Array(4096));
      const code = await new Promise<number>((resolve) => ws.once("close", (c) => resolve(c)));
      expect(code).toBe(1009);
      expect((await fetch(`${small.url}/healthz`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it("stamps awareness with the real identity: a spoofed name is replaced", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    const b = track(connect(server.url, docId, alice.cookie));
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.provider.awareness.setLocalStateField("user", { name: "The CEO", color: "#000", id: "someone-else", external: false });
    a.provider.awareness.setLocalStateField("cursor", { anchor: 1 });
    const seen = await waitFor(() => {
      const s = b.provider.awareness.getStates().get(a.doc.clientID);
      return s?.cursor ? s : undefined;
    }, "awareness relayed");
    expect(seen?.user).toMatchObject({ id: alice.id, name: "Alice", company: "Acme", external: false });
  });

  it("a client cannot overwrite another client's awareness entry", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    const b = track(connect(server.url, docId, alice.cookie));
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.provider.awareness.setLocalStateField("cursor", { anchor: 7 });
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cursor, "a's cursor");
    // b forges an update for a's client id with a higher clock.
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    forged.clientID = a.doc.clientID;
    (forged as any).meta.set(a.doc.clientID, { clock: 1000, lastUpdated: Date.now() });
    forged.setLocalState({ cursor: { anchor: 99 }, user: { name: "forged" } });
    const update = awarenessProtocol.encodeAwarenessUpdate(forged, [a.doc.clientID]);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, update);
    (b.provider.ws as unknown as WebSocket).send(encoding.toUint8Array(e));
    await new Promise((r) => setTimeout(r, 300));
    const c = track(connect(server.url, docId, alice.cookie));
    await synced(c.provider);
    await waitFor(() => c.provider.awareness.getStates().get(a.doc.clientID), "a's state at c");
    expect(c.provider.awareness.getStates().get(a.doc.clientID)?.cursor).toEqual({ anchor: 7 });
    forged.destroy();
  });

  it("unloads a document nobody is connected to, and reloads it intact", async () => {
    const docId = await createDoc(server.url, alice);
    const a = connect(server.url, docId, alice.cookie);
    await synced(a.provider);
    a.text.insert(0, "persisted");
    await waitFor(() => server.services.collab.isLoaded(docId), "loaded");
    await new Promise((r) => setTimeout(r, 100));
    a.destroy();
    await waitFor(() => !server.services.collab.isLoaded(docId), "unloaded", 5000);
    const b = track(connect(server.url, docId, alice.cookie));
    await waitFor(() => b.text.toString() === "persisted", "reloaded");
  });

  it("closes open connections when the document is deleted", async () => {
    const docId = await createDoc(server.url, alice);
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    const res = await api(server.url, "DELETE", `/api/docs/${docId}`, { cookie: alice.cookie });
    expect(res.status).toBe(200);
    await waitFor(() => a.closes.includes(CloseCodes.NotFound.code), "closed with 4404");
  });
});
