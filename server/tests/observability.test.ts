import { afterEach, describe, expect, it } from "vitest";
import { JobStore } from "../src/store/jobs.ts";
import { connect, createDoc, signup, startTestServer, synced, waitFor } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const servers: Server[] = [];
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function start(env: Record<string, string> = {}): Promise<Server> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}

const TOKEN = "test-metrics-token-0123456789";
const bearer = { authorization: `Bearer ${TOKEN}` };

/** The value of a sample line (`name{labels} value`) in Prometheus's text format. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("GET /healthz", () => {
  it("reports the database with its latency, and keeps the fields it had", async () => {
    const server = await start();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", ok: true, loadedDocuments: 0, database: { ok: true, latencyMs: expect.any(Number) } });
    expect(body).not.toHaveProperty("livekit");
  });

  it("answers 503 when a required dependency is down, and stays 200 when an optional one is", async () => {
    const server = await start();
    const dropCache = server.services.health.register("cache", () => Promise.reject(new Error("no")), { required: false });
    let res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "degraded", ok: true, cache: { ok: false, error: "failed" } });

    server.services.health.register("redis", () => new Promise(() => {}), { timeoutMs: 100 });
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "down", ok: false, database: { ok: true }, redis: { ok: false, error: "timed out" } });
    dropCache();
  });

  it("checks LiveKit (optionally) when meetings are configured", async () => {
    // Nothing listens on port 9: LiveKit is unreachable, so the server is degraded, not down.
    const server = await start({ LIVEKIT_URL: "ws://127.0.0.1:9", LIVEKIT_API_KEY: "devkey", LIVEKIT_API_SECRET: "secret" });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "degraded", database: { ok: true }, livekit: { ok: false } });
  });
});

describe("GET /metrics", () => {
  it("is off (404) unless METRICS_TOKEN or METRICS_PORT is set", async () => {
    const server = await start();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect(server.metricsPort).toBeUndefined();
  });

  it("wants the bearer token on the main port", async () => {
    const server = await start({ METRICS_TOKEN: TOKEN });
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: bearer });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/);
    const text = await ok.text();
    for (const name of ["confer_connections", "confer_documents_loaded", "confer_updates_applied_total", "confer_redis_lag_seconds", "confer_jobs_queued", "process_cpu_user_seconds_total", "nodejs_eventloop_lag_seconds"]) {
      expect(sample(text, name), name).toBeTypeOf("number");
    }
    expect(text).toContain("# TYPE confer_storage_commit_duration_seconds histogram");
  });

  it("counts connections, loaded documents, stored updates, commits and queued jobs", async () => {
    const server = await start({ METRICS_TOKEN: TOKEN });
    const read = async () => (await fetch(`${server.url}/metrics`, { headers: bearer })).text();
    const before = await read();
    const alice = await signup(server.url);
    const docId = await createDoc(server.url, alice);
    const a = connect(server.url, docId, alice.cookie);
    const b = connect(server.url, docId, alice.cookie);
    clients.push(a, b);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.text.insert(0, "hello");
    a.text.insert(5, " world");
    await waitFor(() => b.text.toString() === "hello world", "edits relayed");

    const jobs = new JobStore(server.services.db);
    await jobs.enqueue("not-a-registered-kind", "metrics-test", "m1");

    // Edits are acknowledged from the edit journal; their commit follows within FOLD_AFTER_MS.
    const committed = (text: string) => sample(text, "confer_storage_commit_duration_seconds_count")! > sample(before, "confer_storage_commit_duration_seconds_count")!;
    await waitFor(async () => committed(await read()), "edits committed");
    const after = await read();
    expect(sample(after, "confer_connections")).toBe(2);
    expect(sample(after, "confer_documents_loaded")).toBe(1);
    expect(sample(after, "confer_updates_applied_total")! - sample(before, "confer_updates_applied_total")!).toBeGreaterThanOrEqual(2);
    expect(sample(after, "confer_jobs_queued")).toBe(1);

    a.destroy();
    b.destroy();
    await waitFor(async () => sample(await read(), "confer_connections") === 0, "connections closed");
  });

  it("serves the metrics on METRICS_PORT, and only them", async () => {
    const server = await start({ METRICS_PORT: "0" });
    expect(server.metricsPort).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${server.metricsPort}`;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("confer_connections");
    expect((await fetch(`${base}/api/me`)).status).toBe(404);
    // The main port still has no metrics without a token.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});
