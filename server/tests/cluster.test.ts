import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { CloseCodes } from "@confer/shared";
import { api, connect, createDoc, signup, synced, waitFor } from "./helpers.ts";
import { inviteGuest } from "./minutesHelpers.ts";
import { awarenessFrame, RawClient } from "./rawClient.ts";
import { REDIS_URL, startCluster } from "./clusterHelpers.ts";

type Cluster = Awaited<ReturnType<typeof startCluster>>;
let cluster: Cluster | undefined;
const clients: { destroy(): void }[] = [];
const cleanupsRaw: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const r of cleanupsRaw.splice(0)) r.socket.destroy();
  await cluster?.close();
  cluster = undefined;
});

const client = (...args: Parameters<typeof connect>) => {
  const c = connect(...args);
  clients.push(c);
  return c;
};

describe("several processes on one Redis (in-process servers on one data directory)", () => {
  it("updates and presence cross processes; each process's clients see the others'", async () => {
    cluster = await startCluster(3);
    const [a, b, c] = cluster.servers;
    const alice = await signup(a!.url);
    const docId = await createDoc(a!.url, alice);
    const onA = client(a!.url, docId, alice.cookie);
    const onB = client(b!.url, docId, alice.cookie);
    const onC = client(c!.url, docId, alice.cookie);
    await Promise.all([synced(onA.provider), synced(onB.provider), synced(onC.provider)]);
    onA.text.insert(0, "from A. ");
    await waitFor(() => onB.text.toString() === "from A. " && onC.text.toString() === "from A. ", "A's edit on B and C", 2000);
    onB.text.insert(onB.text.length, "from B. ");
    onC.text.insert(onC.text.length, "from C.");
    await waitFor(() => [onA, onB, onC].every((x) => x.text.length === "from A. from B. from C.".length), "all edits everywhere", 2000);
    expect(new Set([onA, onB, onC].map((x) => x.text.toString())).size).toBe(1);

    onC.provider.awareness.setLocalStateField("cursor", { at: 3 });
    const seenOnA = () => (onA.provider.awareness.getStates() as Map<number, { user?: { id: string }; cursor?: unknown }>).get(onC.doc.clientID);
    await waitFor(() => seenOnA()?.cursor, "C's presence on A", 2000);
    // Stamped by the process the person is connected to: their real identity.
    expect(seenOnA()?.user?.id).toBe(alice.id);
    onC.destroy();
    await waitFor(() => !seenOnA(), "C's presence removed on A", 2000);
  });

  it("a room loading on one process gets the presence held on another; a takeover attempt from there leaves it intact", async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.servers;
    const alice = await signup(a!.url);
    const docId = await createDoc(a!.url, alice);
    const mallory = await inviteGuest(a!.url, docId, alice, { name: "Mallory", company: "Evil" });
    const onB = client(b!.url, docId, alice.cookie);
    await synced(onB.provider);
    onB.provider.awareness.setLocalStateField("cursor", { at: 1 });
    // Someone else watches on A (stock clients echo the presence they receive: the guard must drop that too).
    const wendy = await inviteGuest(a!.url, docId, alice, { name: "Wendy", company: "Watchers" });
    const watcher = client(a!.url, docId, wendy.cookie);
    await synced(watcher.provider);
    const victim = onB.doc.clientID;
    const stateOnA = () => (watcher.provider.awareness.getStates() as Map<number, { user?: { id: string }; cursor?: { at: number } }>).get(victim);
    await waitFor(() => stateOnA()?.cursor, "alice's presence on A", 2000);
    const raw = await RawClient.open(a!.url, `/collab/${docId}`, { cookie: mallory.cookie });
    cleanupsRaw.push(raw);
    expect(raw.status).toBe(101);
    raw.send(awarenessFrame([{ clientId: victim, clock: 1000, state: { cursor: { at: 99 } } }]));
    // Control: mallory's own id goes through, so the takeover attempt was handled before it.
    raw.send(awarenessFrame([{ clientId: 424242, clock: 1, state: { cursor: { at: 7 } } }]));
    await waitFor(() => watcher.provider.awareness.getStates().has(424242), "mallory's own presence", 2000);
    expect(stateOnA()?.user?.id).toBe(alice.id);
    expect(stateOnA()?.cursor?.at).toBe(1);
  });

  it("compaction on several processes at once never drops another process's entries", async () => {
    cluster = await startCluster(2, { COMPACT_AFTER_UPDATES: "5" });
    const [a, b] = cluster.servers;
    const alice = await signup(a!.url);
    const docId = await createDoc(a!.url, alice);
    const onA = client(a!.url, docId, alice.cookie);
    const onB = client(b!.url, docId, alice.cookie);
    await Promise.all([synced(onA.provider), synced(onB.provider)]);
    for (let i = 0; i < 200; i++) {
      onA.text.insert(onA.text.length, "a");
      onB.text.insert(0, "b");
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => onA.text.length === 400 && onB.text.length === 400, "both converge", 10_000);
    // What is stored (snapshot + log, after many compactions by both) holds every edit.
    const stored = await a!.services.storage.load(docId);
    const Y = await import("yjs");
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(doc.getText("t").toString()).toBe(onA.text.toString());
  });

  it("revoking a guest on one process cuts off their connection on another within a second", async () => {
    cluster = await startCluster(3);
    const [p1, , p3] = cluster.servers;
    const olga = await signup(p1!.url, { name: "Olga", company: "Acme" });
    const docId = await createDoc(p1!.url, olga);
    const guest = await inviteGuest(p1!.url, docId, olga, { name: "Gus Guest", company: "Globex" });
    const onP3 = client(p3!.url, docId, guest.cookie);
    await synced(onP3.provider);
    const removedAt = Date.now();
    expect((await api(p1!.url, "DELETE", `/api/docs/${docId}/members/${guest.id}`, { cookie: olga.cookie })).status).toBe(200);
    await waitFor(() => onP3.closes.includes(CloseCodes.AccessRevoked.code), "guest cut off on process 3", 1000);
    expect(Date.now() - removedAt).toBeLessThan(1000);
  });

  it("signing out on one process closes that session's connections on the others", async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.servers;
    const alice = await signup(a!.url);
    const docId = await createDoc(a!.url, alice);
    const onB = client(b!.url, docId, alice.cookie);
    await synced(onB.provider);
    await api(a!.url, "POST", "/api/auth/logout", { cookie: alice.cookie });
    await waitFor(() => onB.closes.includes(CloseCodes.SessionEnded.code), "session's socket on B closed", 1000);
  });

  it("deleting a document on one process closes it on the others", async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.servers;
    const alice = await signup(a!.url);
    const docId = await createDoc(a!.url, alice);
    const onB = client(b!.url, docId, alice.cookie);
    await synced(onB.provider);
    expect((await api(a!.url, "DELETE", `/api/docs/${docId}`, { cookie: alice.cookie })).status).toBeLessThan(300);
    await waitFor(() => onB.closes.includes(CloseCodes.NotFound.code), "document closed on B", 1000);
  });

  it("the member list shows people connected to any live process as online", async () => {
    cluster = await startCluster(2);
    const [a, b] = cluster.servers;
    const olga = await signup(a!.url, { name: "Olga", company: "Acme" });
    const docId = await createDoc(a!.url, olga);
    const guest = await inviteGuest(a!.url, docId, olga, { name: "Gus Guest", company: "Globex" });
    const online = async (url: string) => {
      const res = await api(url, "GET", `/api/docs/${docId}/members`, { cookie: olga.cookie });
      expect(res.status).toBe(200);
      return new Set((res.json.members as { userId: string; online: boolean }[]).filter((m) => m.online).map((m) => m.userId));
    };
    const onB = client(b!.url, docId, guest.cookie);
    await synced(onB.provider);
    // Asked on A, where nobody is connected.
    await waitFor(async () => (await online(a!.url)).has(guest.id), "the guest online on A", 3000);
    expect(await online(a!.url)).not.toContain(olga.id);

    // An entry left by a process that is gone (never heard from) does not count, and is cleared.
    const redis = new Redis(REDIS_URL);
    const key = `${cluster.settings.REDIS_PREFIX}presence:${docId}`;
    await redis.hset(key, "deadbeef0000", JSON.stringify({ at: Date.now() - 60_000, users: [olga.id] }));
    expect(await online(a!.url)).not.toContain(olga.id);
    expect(await redis.hexists(key, "deadbeef0000")).toBe(0);
    await redis.quit();

    onB.destroy();
    await waitFor(async () => !(await online(a!.url)).has(guest.id), "the guest offline on A", 3000);
  });
});
