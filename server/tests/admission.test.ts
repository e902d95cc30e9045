import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, createDoc, signup, startTestServer, synced, waitFor, type TestUser } from "./helpers.ts";
import { RawClient, syncFrame } from "./rawClient.ts";
import { controlStorage } from "./storageControl.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url, { name: "Alice" });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server.close());

const MB = 1024 * 1024;

describe("admission in the HTTP upgrade", () => {
  it("answers a socket without a session with HTTP 401, never upgrades it, and reads nothing it pushes", async () => {
    const docId = await createDoc(server.url, alice);
    const refused = await Promise.all(Array.from({ length: 4 }, () => RawClient.open(server.url, `/collab/${docId}`)));
    for (const c of refused) track(c);
    // Each pushes 12 frames of 3 MB as if it had been upgraded.
    const frame = syncFrame(new Uint8Array(3 * MB));
    for (const c of refused) for (let i = 0; i < 12; i++) c.send(frame);
    await waitFor(() => refused.every((c) => c.ended), "refused sockets closed by the server");
    for (const c of refused) {
      expect(c.status).toBe(401);
      expect(c.frames).toEqual([]);
    }
    const stats = server.services.collab.stats();
    expect(stats.earlyBytesPeak).toBe(0);
    expect(stats.sessions).toBe(0); // no connection was ever made for them
  });

  it("answers 403 for a person without access and 404 for a missing document, with the session checked first", async () => {
    const docId = await createDoc(server.url, alice);
    const mallory = await signup(server.url, { name: "Mallory", company: "Evil" });
    const cases: [string, Record<string, string>, number][] = [
      [`/collab/${docId}`, { cookie: mallory.cookie }, 403],
      ["/collab/doesNotExist123", { cookie: alice.cookie }, 404],
      ["/collab/doesNotExist123", {}, 401],
      [`/collab/${docId}`, { cookie: alice.cookie, origin: "https://evil.example" }, 403],
      [`/collab/${docId}?schema=banana`, { cookie: alice.cookie }, 400],
      [`/elsewhere/${docId}`, { cookie: alice.cookie }, 404],
      [`/collab/${docId}`, { cookie: alice.cookie }, 101],
    ];
    for (const [path, headers, status] of cases) {
      const c = track(await RawClient.open(server.url, path, headers));
      expect([path, c.status]).toEqual([path, status]);
    }
  });
});

describe("while the document loads", () => {
  it("reads nothing from an admitted socket and holds no more than the early-frame bound", async () => {
    // A small message bound, so what the client pushes fits in the kernel's socket buffers either way.
    const small = await startTestServer({ MAX_MESSAGE_BYTES: String(64 * 1024) });
    const storage = controlStorage(small.services.storage);
    try {
      const bound = small.services.config.maxMessageBytes;
      const user = await signup(small.url);
      const docId = await createDoc(small.url, user);
      storage.loads.close();
      const early = track(await RawClient.open(small.url, `/collab/${docId}`, { cookie: user.cookie }));
      expect(early.status).toBe(101);
      await waitFor(() => storage.loads.waiting === 1, "loading");
      // 20 frames just under the message bound (1.2 MB) while the document loads.
      const junk = syncFrame(new Uint8Array(bound - 16), 2);
      for (let i = 0; i < 20; i++) early.send(junk);
      await waitFor(() => early.socket.writableLength === 0, "everything handed to the network");
      // Control: the server's event loop has since done a full admission for another socket (several
      // turns of reading its sockets), so a server reading the first socket would have read it all.
      const other = track(await RawClient.open(small.url, `/collab/${docId}`, { cookie: user.cookie }));
      expect(other.status).toBe(101);
      expect(small.services.collab.stats().earlyBytesPeak).toBeLessThanOrEqual(bound);
      storage.loads.open();
      await waitFor(() => small.services.collab.roomStats(docId)?.connections === 2, "both joined");
      // The connection is served normally afterwards.
      const a = track(connect(small.url, docId, user.cookie));
      await synced(a.provider);
      expect(small.services.collab.stats().earlyBytesPeak).toBeLessThanOrEqual(bound);
      expect(small.services.collab.stats().earlyBytes).toBe(0);
    } finally {
      storage.restore();
      await small.close();
    }
  });
});
