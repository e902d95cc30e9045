import { afterEach, describe, expect, it } from "vitest";
import { api, connect, createDoc, signup, startTestServer, synced, tempDir, waitFor } from "./helpers.ts";
import { startTcpProxy } from "./tcpProxy.ts";
import { databaseFor, dropDatabase, onPostgres } from "./testDatabase.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A server whose PostgreSQL sits behind a proxy the test can cut, and a way to read what was
 * stored straight from the database afterwards (a second server, without the proxy).
 */
async function serverBehindProxy(env: Record<string, string>) {
  const dataDir = tempDir();
  const direct = await databaseFor(dataDir);
  const proxy = await startTcpProxy({ host: new URL(direct).hostname, port: Number(new URL(direct).port || 5432) });
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const server: Server = await startTestServer({ ...env, DATABASE_URL: viaProxy.toString() }, dataDir);
  cleanups.push(() => dropDatabase(direct), () => proxy.close(), () => server.close());
  /** Stops this server and starts another on the same database, not through the proxy. */
  const restartDirect = async () => {
    await server.close();
    const again = await startTestServer({ DATABASE_URL: direct });
    cleanups.push(() => again.close());
    return again;
  };
  return { server, proxy, restartDirect };
}

/** Alice, a new document of hers, and two synced connections to it: one writes, one watches. */
async function writerAndWatcher(url: string) {
  const alice = await signup(url);
  const docId = await createDoc(url, alice);
  const writer = connect(url, docId, alice.cookie);
  const watcher = connect(url, docId, alice.cookie);
  cleanups.push(() => writer.destroy(), () => watcher.destroy());
  await Promise.all([synced(writer.provider), synced(watcher.provider)]);
  return { alice, docId, writer, watcher };
}

/** /healthz still answers, and says the database is down (503, so a proxy sends newcomers elsewhere). */
async function expectDatabaseDown(url: string): Promise<void> {
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(503);
  expect((await health.json()) as { status: string; database: { ok: boolean } }).toMatchObject({ status: "down", database: { ok: false } });
}

// PostgreSQL only: the SQLite counterpart (another program holding the write lock) is storageBusy.test.ts.
describe.runIf(onPostgres)("PostgreSQL unavailable for a few seconds", () => {
  it("edits wait unacknowledged, /healthz answers that the database is down, REST writes get 503, and the server recovers by itself with every edit stored", async () => {
    const { server, proxy, restartDirect } = await serverBehindProxy({ STORAGE_BUSY_TIMEOUT_MS: "60000" });
    const { alice, docId, writer, watcher } = await writerAndWatcher(server.url);
    writer.text.insert(0, "a");
    await waitFor(() => watcher.text.toString() === "a", "first edit relayed");

    await proxy.cut();
    try {
      for (const ch of "bcdef") writer.text.insert(writer.text.length, ch);
      writer.provider.awareness.setLocalStateField("cursor", { anchor: 6 });
      // The awareness frame followed the edits on the same socket: the server has tried to store them.
      await waitFor(() => watcher.provider.awareness.getStates().get(writer.doc.clientID)?.cursor, "awareness relayed");
      await new Promise((r) => setTimeout(r, 300));
      await expectDatabaseDown(server.url);
      // Stored before broadcast: nothing of the waiting edits has reached the other client.
      expect(watcher.text.toString()).toBe("a");
      const rename = await api(server.url, "PATCH", `/api/docs/${docId}`, { cookie: alice.cookie, body: { title: "Renamed" } });
      expect(rename.status).toBe(503);
      expect(rename.json.error.id).toBe("storage_busy");
      expect(rename.json.error.message).toMatch(/try again/);
      expect(server.services.storage.stats.busyRetries).toBeGreaterThan(0);
    } finally {
      await proxy.restore();
    }
    await waitFor(() => watcher.text.toString() === "abcdef", "edits relayed once the database is back", 20_000);
    expect(writer.closes).toEqual([]);
    const rename = await api(server.url, "PATCH", `/api/docs/${docId}`, { cookie: alice.cookie, body: { title: "Renamed" } });
    expect(rename.status).toBeLessThan(300);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    writer.destroy();
    watcher.destroy();
    const second = await restartDirect();
    const reader = connect(second.url, docId, alice.cookie);
    cleanups.push(() => reader.destroy());
    await synced(reader.provider);
    expect(reader.text.toString()).toBe("abcdef");
  }, 90_000);

  it("past STORAGE_BUSY_TIMEOUT_MS the document closes cleanly; the clients' edits are stored once they reconnect", async () => {
    const { server, proxy, restartDirect } = await serverBehindProxy({ STORAGE_BUSY_TIMEOUT_MS: "500" });
    const { alice, docId, writer, watcher } = await writerAndWatcher(server.url);

    await proxy.cut();
    try {
      writer.text.insert(0, "xyz");
      await waitFor(() => writer.closes.length > 0, "the document closed its connections");
      await expectDatabaseDown(server.url);
      expect(watcher.text.toString()).toBe("");
    } finally {
      await proxy.restore();
    }
    // The providers reconnect by themselves and send what the server lacks.
    await waitFor(() => watcher.text.toString() === "xyz", "edit stored and relayed after reconnecting", 30_000);

    writer.destroy();
    watcher.destroy();
    const second = await restartDirect();
    const reader = connect(second.url, docId, alice.cookie);
    cleanups.push(() => reader.destroy());
    await synced(reader.provider);
    expect(reader.text.toString()).toBe("xyz");
  }, 90_000);

  it("a server whose connections were all terminated by PostgreSQL carries on", async () => {
    const { server } = await serverBehindProxy({});
    const { alice, writer, watcher } = await writerAndWatcher(server.url);
    writer.text.insert(0, "before");
    await waitFor(() => watcher.text.toString() === "before", "relayed");
    const dbName = new URL(server.services.config.databaseUrl!).pathname.slice(1);
    // What an administrator's pg_terminate_backend, or a failover, does to the server's idle connections.
    const { admin } = await import("./testDatabase.ts");
    await admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [dbName]);
    writer.text.insert(writer.text.length, " after");
    await waitFor(() => watcher.text.toString() === "before after", "relayed after the connections were terminated");
    expect((await api(server.url, "GET", "/api/docs", { cookie: alice.cookie })).status).toBe(200);
  }, 60_000);
});
