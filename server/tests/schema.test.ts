import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { META_MAP, NOTICE_MESSAGE, readNotice, SCHEMA_VERSION, SCHEMA_VERSION_KEY, SCHEMA_VERSION_PARAM, type Notice } from "@confer/shared";
import { BODY_FRAGMENT } from "@confer/shared/schema";
import { connect, createDoc, signup, startTestServer, synced, waitFor, type TestUser } from "./helpers.ts";
import { syncFrame } from "./rawClient.ts";
import { storedDoc } from "./storageControl.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer({ UNLOAD_AFTER_MS: "100" });
  alice = await signup(server.url, { name: "Alice" });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server.close());

/** A raw client announcing `schema`, collecting notices and the document it is sent. */
async function schemaClient(docId: string, schema: number) {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${docId}?notices=1&${SCHEMA_VERSION_PARAM}=${schema}`, { headers: { cookie: alice.cookie } });
  track({ destroy: () => ws.terminate() });
  const notices: Notice[] = [];
  const doc = new Y.Doc();
  ws.on("message", (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    if (type === NOTICE_MESSAGE) {
      const n = readNotice(d);
      if (n) notices.push(n);
    } else if (type === 0 && decoding.readVarUint(d) !== 0) Y.applyUpdate(doc, decoding.readVarUint8Array(d));
  });
  await new Promise((r) => ws.once("open", r));
  ws.send(syncFrame(Y.encodeStateVector(doc), 0));
  return { ws, notices, doc };
}

describe("schema versions", () => {
  it("a client with an older schema is read-only and told so; a newer node type survives it", async () => {
    const docId = await createDoc(server.url, alice);
    const current = track(connect(server.url, docId, alice.cookie));
    await synced(current.provider);
    const body = current.doc.getXmlFragment(BODY_FRAGMENT);
    const future = new Y.XmlElement("futureWidget");
    future.setAttribute("data", "only newer clients understand this");
    const para = new Y.XmlElement("paragraph");
    para.insert(0, [new Y.XmlText("hello")]);
    body.insert(0, [para, future]);

    const old = await schemaClient(docId, SCHEMA_VERSION - 1);
    await waitFor(() => old.notices.length > 0, "access notice");
    expect(old.notices[0]).toEqual({ type: "access", role: "owner", readOnly: true, outdated: true });
    await waitFor(() => old.doc.getXmlFragment(BODY_FRAGMENT).length === 2, "old client has the document");

    // What an old editor does with a node it does not know: drop it (and rewrite the rest).
    const before = Y.encodeStateVector(old.doc);
    const oldBody = old.doc.getXmlFragment(BODY_FRAGMENT);
    oldBody.delete(1, 1);
    (oldBody.get(0) as Y.XmlElement).insert(0, [new Y.XmlText("rewritten ")]);
    old.ws.send(syncFrame(Y.encodeStateAsUpdate(old.doc, before)));

    // Control: a current client's later edit arrives and is stored; the old client's never is.
    const marker = new Y.XmlElement("paragraph");
    body.insert(2, [marker]);
    const stored = (await waitFor(async () => {
      const doc = await storedDoc(server.services.storage, docId);
      return doc.getXmlFragment(BODY_FRAGMENT).length === 3 ? doc : undefined;
    }, "control stored"))!;
    const names = stored.getXmlFragment(BODY_FRAGMENT).toArray().map((n) => (n as Y.XmlElement).nodeName);
    expect(names).toEqual(["paragraph", "futureWidget", "paragraph"]);
    expect(stored.getXmlFragment(BODY_FRAGMENT).toString()).not.toContain("rewritten");
    expect(current.doc.getXmlFragment(BODY_FRAGMENT).length).toBe(3);
  });

  it("a client announcing the current schema (or none) writes normally", async () => {
    const docId = await createDoc(server.url, alice);
    const fresh = await schemaClient(docId, SCHEMA_VERSION);
    await waitFor(() => fresh.notices.length > 0, "access notice");
    expect(fresh.notices[0]).toEqual({ type: "access", role: "owner", readOnly: false });
    const before = Y.encodeStateVector(fresh.doc);
    fresh.doc.getText("t").insert(0, "written");
    fresh.ws.send(syncFrame(Y.encodeStateAsUpdate(fresh.doc, before)));
    await waitFor(async () => (await storedDoc(server.services.storage, docId)).getText("t").toString() === "written", "stored");
  });

  it("a loaded document is stamped with the server's schema version, as a stored update", async () => {
    const docId = await createDoc(server.url, alice);
    // A document written before versions existed: content without a meta map.
    const legacy = new Y.Doc();
    legacy.getText("t").insert(0, "legacy");
    await server.services.storage.append(docId, [Y.encodeStateAsUpdate(legacy)]);
    const reader = track(connect(server.url, docId, alice.cookie));
    await synced(reader.provider);
    expect(reader.doc.getMap(META_MAP).get(SCHEMA_VERSION_KEY)).toBe(SCHEMA_VERSION);
    const stored = (await waitFor(async () => {
      const doc = await storedDoc(server.services.storage, docId);
      return doc.getMap(META_MAP).get(SCHEMA_VERSION_KEY) === SCHEMA_VERSION ? doc : undefined;
    }, "version stored"))!;
    expect(stored.getText("t").toString()).toBe("legacy");
  });
});
