import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import { CloseCodes, NOTICE_MESSAGE, readNotice, type Notice } from "@confer/shared";
import { api, connect, createDoc, SCHEMA_QUERY, signup, startTestServer, synced, upgradeStatus, waitFor, type TestUser } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
let bob: TestUser;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url, { name: "Alice", company: "Acme" });
  bob = await signup(server.url, { name: "Bob", company: "Globex" });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server.close());

/** A document of Alice's with Bob in it through a link carrying `role`. */
async function sharedDoc(role: "editor" | "viewer") {
  const docId = await createDoc(server.url, alice);
  const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: alice.cookie, body: { role } });
  const accepted = await api(server.url, "POST", `/api/invites/${link.json.token}/accept`, { cookie: bob.cookie });
  expect(accepted.status).toBe(200);
  return docId;
}

/** A raw socket that asked for notices, collecting them. */
async function noticeSocket(docId: string, who: TestUser) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${docId}?notices=1&${SCHEMA_QUERY}`, { headers: { cookie: who.cookie } });
  const notices: Notice[] = [];
  let closeCode = 0;
  ws.on("message", (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) === NOTICE_MESSAGE) {
      const n = readNotice(d);
      if (n) notices.push(n);
    }
  });
  ws.on("close", (code) => (closeCode = code));
  await new Promise((r) => ws.once("open", r));
  return { ws, notices, closeCode: () => closeCode };
}

function updateFrame(update: Uint8Array, kind = 2): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

async function storedText(docId: string): Promise<string> {
  const stored = await server.services.storage.load(docId);
  const doc = new Y.Doc();
  for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(doc, part);
  return doc.getText("t").toString();
}

describe("roles on the sync socket", () => {
  it("a viewer's updates never reach the stored or broadcast document; their presence still shows", async () => {
    const docId = await sharedDoc("viewer");
    const owner = track(connect(server.url, docId, alice.cookie));
    const viewer = track(connect(server.url, docId, bob.cookie));
    await Promise.all([synced(owner.provider), synced(viewer.provider)]);
    owner.text.insert(0, "owner text");
    await waitFor(() => viewer.text.toString() === "owner text", "viewer reads");

    viewer.text.insert(0, "VIEWER WAS HERE "); // stock client: sent as a normal update
    const raw = new Y.Doc();
    raw.getText("t").insert(0, "RAW FRAME ");
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${docId}`, { headers: { cookie: bob.cookie } });
    await new Promise((r) => ws.once("open", r));
    ws.send(updateFrame(Y.encodeStateAsUpdate(raw), 2));
    ws.send(updateFrame(Y.encodeStateAsUpdate(raw), 1));
    viewer.provider.awareness.setLocalStateField("cursor", { anchor: 3 });
    await waitFor(() => owner.provider.awareness.getStates().get(viewer.doc.clientID)?.cursor, "viewer's presence");
    expect(owner.provider.awareness.getStates().get(viewer.doc.clientID)?.user).toMatchObject({ name: "Bob", company: "Globex", external: true });

    owner.text.insert(owner.text.length, "!");
    await waitFor(() => viewer.text.toString().endsWith("!"), "later owner edit");
    expect(owner.text.toString()).toBe("owner text!");
    expect(await storedText(docId)).toBe("owner text!");
    ws.close();
  });

  it("downgrading an editor makes their connection read-only before the request returns; promotion likewise", async () => {
    const docId = await sharedDoc("editor");
    const owner = track(connect(server.url, docId, alice.cookie));
    await synced(owner.provider);
    const bobSock = await noticeSocket(docId, bob);
    await waitFor(() => bobSock.notices.length === 1, "initial access notice");
    expect(bobSock.notices[0]).toEqual({ type: "access", role: "editor", readOnly: false });

    const down = await api(server.url, "PATCH", `/api/docs/${docId}/members/${bob.id}`, { cookie: alice.cookie, body: { role: "viewer" } });
    expect(down.status).toBe(200);
    // Sent right away: an update from Bob now is dropped.
    const d = new Y.Doc();
    d.getText("t").insert(0, "after downgrade");
    bobSock.ws.send(updateFrame(Y.encodeStateAsUpdate(d)));
    await waitFor(() => bobSock.notices.length === 2, "downgrade notice");
    expect(bobSock.notices[1]).toEqual({ type: "access", role: "viewer", readOnly: true });
    await new Promise((r) => setTimeout(r, 150));
    expect(owner.text.toString()).toBe("");

    await api(server.url, "PATCH", `/api/docs/${docId}/members/${bob.id}`, { cookie: alice.cookie, body: { role: "editor" } });
    const e = new Y.Doc();
    e.getText("t").insert(0, "after promotion");
    bobSock.ws.send(updateFrame(Y.encodeStateAsUpdate(e)));
    await waitFor(() => owner.text.toString() === "after promotion", "promoted edit applied");
    expect(bobSock.notices[2]).toEqual({ type: "access", role: "editor", readOnly: false });
    bobSock.ws.close();
  });

  it("removing a member closes their open connections with 4410", async () => {
    const docId = await sharedDoc("editor");
    const bobClient = track(connect(server.url, docId, bob.cookie));
    await synced(bobClient.provider);
    const res = await api(server.url, "DELETE", `/api/docs/${docId}/members/${bob.id}`, { cookie: alice.cookie });
    expect(res.status).toBe(200);
    await waitFor(() => bobClient.closes.includes(CloseCodes.AccessRevoked.code), "closed with 4410");
    // The stock provider treats 44xx as final and stops; a fresh connection is refused.
    expect(bobClient.provider.shouldConnect).toBe(false);
    // A fresh connection is refused at the upgrade.
    expect(await upgradeStatus(server.url, docId, bob.cookie)).toBe(403);
  });

  it("stock clients never receive Confer's notices", async () => {
    const docId = await sharedDoc("editor");
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${docId}`, { headers: { cookie: bob.cookie } });
    const types: number[] = [];
    ws.on("message", (data: Buffer) => types.push(decoding.readVarUint(decoding.createDecoder(new Uint8Array(data)))));
    await new Promise((r) => ws.once("open", r));
    await api(server.url, "PATCH", `/api/docs/${docId}/members/${bob.id}`, { cookie: alice.cookie, body: { role: "viewer" } });
    await new Promise((r) => setTimeout(r, 200));
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((t) => t <= 3)).toBe(true);
    ws.close();
  });
});
