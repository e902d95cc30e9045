import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCodes } from "@confer/shared";
import { api, connect, createDoc, signup, startTestServer, synced, waitFor, type TestUser } from "./helpers.ts";
import { RawClient, syncFrame } from "./rawClient.ts";
import { storedDoc } from "./storageControl.ts";
import { hashToken } from "../src/store/ids.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;
const clients: { destroy(): void }[] = [];
const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url, { name: "Alice", password: "correct horse battery" });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(() => server.close());

/** Signs Alice in again: a second session with its own cookie. */
async function secondSession(): Promise<string> {
  const res = await api(server.url, "POST", "/api/auth/login", { body: { email: alice.email, password: "correct horse battery" } });
  expect(res.status).toBe(200);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

/** A raw client that writes an edit every few milliseconds, whatever the server says. */
async function stubbornWriter(docId: string, cookie: string, base: Y.Doc) {
  const writer = track(await RawClient.open(server.url, `/collab/${docId}`, { cookie }));
  expect(writer.status).toBe(101);
  const source = new Y.Doc();
  Y.applyUpdate(source, Y.encodeStateAsUpdate(base));
  let n = 0;
  const timer = setInterval(() => {
    const before = Y.encodeStateVector(source);
    source.getText("t").insert(0, `w${n++} `);
    writer.send(syncFrame(Y.encodeStateAsUpdate(source, before)));
  }, 5);
  track({ destroy: () => clearInterval(timer) });
  return { writer, stop: () => clearInterval(timer) };
}

describe("connections end with their session", () => {
  it("signing out closes that session's sockets (4440) and nothing they send afterwards is applied", async () => {
    const docId = await createDoc(server.url, alice);
    const other = await secondSession();
    const kept = track(connect(server.url, docId, other));
    await synced(kept.provider);
    const signedOut = track(connect(server.url, docId, alice.cookie));
    await synced(signedOut.provider);
    const { writer, stop } = await stubbornWriter(docId, alice.cookie, kept.doc);
    await waitFor(() => kept.text.toString().startsWith("w"), "stubborn writer's edits applied before sign-out");

    const res = await api(server.url, "POST", "/api/auth/logout", { cookie: alice.cookie });
    expect(res.status).toBe(200);
    // Edits w0 … w(n-1) may have reached the server before the sign-out; none from here on may count.
    const writtenAtSignOut = writer.written;
    await waitFor(() => signedOut.closes.includes(CloseCodes.SessionEnded.code), "stock client closed with 4440");
    await waitFor(() => writer.closeCode === CloseCodes.SessionEnded.code, "raw client told 4440");
    await waitFor(() => writer.ended, "raw client cut off", 10_000);
    stop();
    expect(writer.written).toBeGreaterThan(writtenAtSignOut + 5);

    // Control: the other session's connection still writes, and its edit is stored after the others.
    kept.text.insert(kept.text.length, " END");
    const stored = (await waitFor(async () => {
      const text = (await storedDoc(server.services.storage, docId)).getText("t").toString();
      return text.endsWith(" END") ? text : undefined;
    }, "control stored"))!;
    const indexes = [...stored.matchAll(/w(\d+) /g)].map((m) => Number(m[1]));
    expect(indexes.length).toBeGreaterThan(0);
    expect(Math.max(...indexes)).toBeLessThan(writtenAtSignOut);
    expect(kept.provider.wsconnected).toBe(true);
    expect(signedOut.provider.shouldConnect).toBe(false); // 44xx is final for the stock client
  });

  it("an expiring session closes its sockets when it expires", async () => {
    const cookie = await secondSession();
    const docId = await createDoc(server.url, { ...alice, cookie });
    // Let this session run out in a moment.
    const token = decodeURIComponent(cookie.split("=")[1]!);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    await server.services.db.updateTable("sessions").set({ expires_at: expiresAt }).where("id_hash", "=", hashToken(token)).execute();
    const client = track(connect(server.url, docId, cookie));
    await synced(client.provider);
    client.text.insert(0, "before expiry");
    await waitFor(() => client.closes.includes(CloseCodes.SessionEnded.code), "closed with 4440 at expiry");
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(expiresAt).getTime() - 5);
    expect((await storedDoc(server.services.storage, docId)).getText("t").toString()).toBe("before expiry");
    expect((await api(server.url, "GET", "/api/me", { cookie })).status).toBe(401);
  });
});
