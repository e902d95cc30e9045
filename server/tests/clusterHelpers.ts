import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { startTestServer, tempDir } from "./helpers.ts";

/** The shared Redis of this machine; every test uses its own key prefix on it. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A prefix no other test (or engineer) uses. */
export const freshPrefix = () => `confer-test-${randomBytes(5).toString("hex")}:`;

/** Several in-process servers on ONE data directory and one Redis prefix: one cluster. */
export async function startCluster(n: number, env: Record<string, string> = {}) {
  const dataDir = tempDir("confer-cluster-");
  const settings = { REDIS_URL, REDIS_PREFIX: freshPrefix(), ...env };
  const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
  for (let i = 0; i < n; i++) servers.push(await startTestServer(settings, dataDir));
  return {
    servers,
    dataDir,
    settings,
    close: async () => {
      for (const s of servers.reverse()) await s.close();
    },
  };
}

/** A redis-server of the test's own on `port` (4300-4399), without persistence: it can be killed and restarted. */
export async function startRedis(port: number): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/**
 * A TCP load balancer without sticky sessions: each new connection goes to the next backend that
 * accepts it (round robin), as a reverse proxy in front of several processes would.
 */
export async function startBalancer(listenPort: number, backends: () => number[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.pause();
    const tryBackend = (attempt: number) => {
      const ports = backends();
      if (attempt >= ports.length || !ports.length) return client.destroy();
      const port = ports[next++ % ports.length]!;
      const upstream = net.connect(port, "127.0.0.1");
      upstream.once("connect", () => {
        sockets.add(upstream);
        upstream.on("close", () => sockets.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.on("close", () => upstream.destroy());
      });
      upstream.once("error", () => tryBackend(attempt + 1));
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${listenPort}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
