import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { CloseCodes } from "@confer/shared";
import { api, connect, createDoc, signup, startTestServer, synced, waitFor, type TestUser } from "./helpers.ts";
import { awarenessFrame, RawClient, syncFrame } from "./rawClient.ts";
import { storedDoc } from "./storageControl.ts";
import { MAX_AWARENESS_STATE_BYTES, MAX_CLIENT_IDS_PER_CONNECTION } from "../src/collab/AwarenessGuard.ts";
import { MAX_UNFOUNDED_UPDATES } from "../src/collab/RoomSync.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
let bob: TestUser;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url, { name: "Alice", company: "Acme" });
  bob = await signup(server.url, { name: "Bob", company: "Acme" });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server.close());

const collab = () => server.services.collab;

/** A document of Alice's that Bob can open with `role`. */
async function sharedDoc(role: "editor" | "viewer") {
  const docId = await createDoc(server.url, alice);
  const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: alice.cookie, body: { role } });
  const accepted = await api(server.url, "POST", `/api/invites/${link.json.token}/accept`, { cookie: bob.cookie });
  expect(accepted.status).toBe(200);
  return docId;
}

async function raw(docId: string, who: TestUser) {
  const c = track(await RawClient.open(server.url, `/collab/${docId}`, { cookie: who.cookie }));
  expect(c.status).toBe(101);
  await waitFor(() => c.messages.length > 0, "first frames");
  return c;
}

/** The awareness client ids and states carried by the awareness frames a raw client received. */
function awarenessIn(frames: Buffer[]): Map<number, Record<string, unknown> | null> {
  const seen = new Map<number, Record<string, unknown> | null>();
  for (const f of frames) {
    const d = decoding.createDecoder(new Uint8Array(f));
    if (decoding.readVarUint(d) !== 1) continue;
    const u = decoding.createDecoder(decoding.readVarUint8Array(d));
    const n = decoding.readVarUint(u);
    for (let i = 0; i < n; i++) {
      const id = decoding.readVarUint(u);
      decoding.readVarUint(u);
      seen.set(id, JSON.parse(decoding.readVarString(u)));
    }
  }
  return seen;
}

describe("presence bounds", () => {
  it("one connection holds at most a few client ids, and no state over the size bound", async () => {
    const docId = await sharedDoc("viewer");
    const viewer = await raw(docId, bob);
    const big = "x".repeat(200 * 1024);
    // 200 states of ~16 KB each, then the same ids again with states over the bound.
    const entries = Array.from({ length: 200 }, (_, i) => ({ clientId: 1000 + i, clock: 1, state: { pad: "y".repeat(MAX_AWARENESS_STATE_BYTES - 100) } }));
    viewer.send(awarenessFrame(entries.slice(0, 100)));
    viewer.send(awarenessFrame(entries.slice(100)));
    viewer.send(awarenessFrame([{ clientId: 1000, clock: 2, state: { pad: big } }]));
    // Control: a later, small state of an owned id arrives, so everything before it was handled.
    viewer.send(awarenessFrame([{ clientId: 1001, clock: 2, state: { cursor: 1 } }]));
    const owner = await raw(docId, alice);
    await waitFor(() => (collab().roomStats(docId)?.awarenessStates ?? 0) > 0 && awarenessIn(owner.messages).size > 0, "presence");
    await waitFor(() => (awarenessIn(owner.messages).get(1001) as { cursor?: number } | undefined)?.cursor === 1, "control state");

    const stats = collab().roomStats(docId)!;
    expect(stats.awarenessStates).toBe(MAX_CLIENT_IDS_PER_CONNECTION);
    expect(stats.ownedClientIds).toBe(MAX_CLIENT_IDS_PER_CONNECTION);
    // Each state held is at most the bound plus the identity the server stamps in.
    expect(stats.awarenessBytes).toBeLessThanOrEqual(MAX_CLIENT_IDS_PER_CONNECTION * (MAX_AWARENESS_STATE_BYTES + 512));
    // What a newcomer is sent is bounded the same way.
    const first = owner.messages.filter((m) => m[0] === 1);
    expect(first.reduce((n, m) => n + m.length, 0)).toBeLessThanOrEqual(2 * MAX_CLIENT_IDS_PER_CONNECTION * (MAX_AWARENESS_STATE_BYTES + 512));

    viewer.destroy();
    await waitFor(() => collab().roomStats(docId)?.awarenessStates === 0, "states removed when the viewer leaves");
    expect(collab().roomStats(docId)?.awarenessBytes).toBe(0);
  });

  it("a client id stays its owner's across reconnects: another person cannot take it", async () => {
    const docId = await sharedDoc("editor");
    const first = await raw(docId, alice);
    first.send(awarenessFrame([{ clientId: 777, clock: 1, state: { cursor: "alice" } }]));
    const watcher = await raw(docId, alice);
    await waitFor(() => (awarenessIn(watcher.messages).get(777) as { cursor?: string } | undefined)?.cursor === "alice", "alice's state");
    first.destroy();
    await waitFor(() => awarenessIn(watcher.messages).has(777) && awarenessIn(watcher.messages).get(777) === null, "removed on leave");

    const mallory = await raw(docId, bob);
    mallory.send(awarenessFrame([{ clientId: 777, clock: 5, state: { cursor: "bob" } }]));
    mallory.send(awarenessFrame([{ clientId: 778, clock: 1, state: { cursor: "bob's own" } }])); // control
    await waitFor(() => (awarenessIn(watcher.messages).get(778) as { cursor?: string } | undefined)?.cursor === "bob's own", "control");
    expect(awarenessIn(watcher.messages).get(777)).toBeNull();

    const again = await raw(docId, alice);
    again.send(awarenessFrame([{ clientId: 777, clock: 6, state: { cursor: "alice again" } }]));
    await waitFor(() => (awarenessIn(watcher.messages).get(777) as { cursor?: string } | undefined)?.cursor === "alice again", "alice takes her id back");
    expect((awarenessIn(watcher.messages).get(777) as { user?: { name: string } }).user?.name).toBe("Alice");
  });
});

describe("updates with missing dependencies", () => {
  it("are refused before they are applied: never pending, stored or served; a client that keeps sending them is closed", async () => {
    const docId = await sharedDoc("editor");
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "base");
    const attacker = await raw(docId, bob);
    // Each update builds on an earlier one the server never got.
    const source = new Y.Doc();
    source.getText("t").insert(0, "never sent ");
    let n = 0;
    const burst = 3000;
    for (let i = 0; i < burst; i++) {
      const before = Y.encodeStateVector(source);
      source.getText("t").insert(source.getText("t").length, `${n++}`);
      if (!attacker.send(syncFrame(Y.encodeStateAsUpdate(source, before)))) break;
    }
    await waitFor(() => attacker.closeCode === CloseCodes.UpdatesRefused.code, "closed with 4422");
    const stats = collab().roomStats(docId)!;
    expect(stats.pendingStructs).toBe(false);
    a.text.insert(4, "!"); // control: later edits still flow
    const c = track(connect(server.url, docId, alice.cookie));
    await waitFor(() => c.text.toString() === "base!", "newcomer sees only real content");
    expect((await storedDoc(server.services.storage, docId)).getText("t").toString()).toBe("base!");
    expect(MAX_UNFOUNDED_UPDATES).toBeLessThan(burst);
  });

  it("are refused whole: the parts that could be applied are not applied either", async () => {
    const docId = await sharedDoc("editor");
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "base");
    // One update from two clients: one builds on the document, the other on a change the server never got.
    const fine = new Y.Doc();
    Y.applyUpdate(fine, Y.encodeStateAsUpdate(a.doc));
    const sv = Y.encodeStateVector(fine);
    fine.getText("t").insert(4, " applicable");
    const orphan = new Y.Doc();
    orphan.getText("t").insert(0, "missing ");
    const orphanSv = Y.encodeStateVector(orphan);
    orphan.getText("t").insert(8, "dependent");
    const mixed = Y.mergeUpdates([Y.encodeStateAsUpdate(fine, sv), Y.encodeStateAsUpdate(orphan, orphanSv)]);
    const writer = await raw(docId, bob);
    writer.send(syncFrame(mixed));
    const control = new Y.Doc();
    Y.applyUpdate(control, Y.encodeStateAsUpdate(a.doc));
    const controlSv = Y.encodeStateVector(control);
    control.getText("t").insert(0, "> ");
    writer.send(syncFrame(Y.encodeStateAsUpdate(control, controlSv))); // control: sent after, accepted
    await waitFor(() => a.text.toString().startsWith("> "), "control applied");
    expect(a.text.toString()).toBe("> base");
    expect((await storedDoc(server.services.storage, docId)).getText("t").toString()).toBe("> base");
    expect(collab().roomStats(docId)?.pendingStructs).toBe(false);
  });

  it("accept a large offline first sync (a whole trace-sized document) in one message", async () => {
    const docId = await sharedDoc("editor");
    const offline = new Y.Doc();
    const text = offline.getText("t");
    for (let i = 0; i < 20_000; i++) text.insert(Math.floor((i * 7919) % (text.length + 1)), String.fromCharCode(97 + (i % 26)));
    const writer = await raw(docId, bob);
    writer.send(syncFrame(Y.encodeStateAsUpdate(offline), 1));
    const c = track(connect(server.url, docId, alice.cookie));
    await waitFor(() => c.text.toString() === text.toString(), "offline content accepted");
    expect(collab().roomStats(docId)?.pendingStructs).toBe(false);
  });
});

describe("sync answers", () => {
  it("simultaneous first syncs of the same version share one encoding", async () => {
    const docId = await sharedDoc("editor");
    const a = track(connect(server.url, docId, alice.cookie));
    await synced(a.provider);
    a.text.insert(0, "x".repeat(100_000));
    await waitFor(() => collab().roomStats(docId)?.storedVersion === collab().roomStats(docId)?.appliedVersion, "stored");
    const before = collab().roomStats(docId)!.encodes;
    const many = await Promise.all(Array.from({ length: 40 }, () => RawClient.open(server.url, `/collab/${docId}`, { cookie: bob.cookie })));
    for (const c of many) track(c);
    for (const c of many) c.send(syncFrame(new Uint8Array([0]), 0));
    await waitFor(() => many.every((c) => c.messages.some((m) => m[0] === 0 && m[1] === 1)), "every client answered");
    expect(collab().roomStats(docId)!.encodes - before).toBe(1);
  });

  it("a client that does not read gets one answer however often it asks", async () => {
    const docId = await sharedDoc("editor");
    // A document larger than the socket buffers between server and client.
    const seed = new Y.Doc();
    seed.getText("t").insert(0, "y".repeat(12_000_000));
    await server.services.storage.append(docId, [Y.encodeStateAsUpdate(seed)]);
    const slow = await RawClient.open(server.url, `/collab/${docId}`, { cookie: bob.cookie });
    track(slow);
    await waitFor(() => collab().roomStats(docId)?.connections === 1, "joined");
    slow.socket.pause();
    const encodesBefore = collab().roomStats(docId)!.encodes;
    for (let i = 0; i < 50; i++) slow.send(syncFrame(new Uint8Array([0]), 0));
    // Control: a presence update sent after the requests is processed, so every request was read.
    slow.send(awarenessFrame([{ clientId: 4242, clock: 1, state: { here: true } }]));
    await waitFor(() => collab().roomStats(docId)?.awarenessStates === 1, "control");
    const stats = collab().roomStats(docId)!;
    expect(stats.syncAnswers).toBe(1);
    expect(stats.encodes - encodesBefore).toBeLessThanOrEqual(1);
    slow.socket.resume();
    await waitFor(() => collab().roomStats(docId)!.syncAnswers === 2, "the waiting request is answered once the client reads", 20_000);
  });
});
