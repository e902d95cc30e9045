// Fan-out across processes: 1, 2 and 3 server processes on one Redis (and, for Confer, one
// PostgreSQL), clients spread round-robin over the processes, the same load for every count.
// Compared: Confer (DATABASE_URL + REDIS_URL) and Hocuspocus 3.4.4 with @hocuspocus/extension-redis 3.4.4.
//
// Settings: BENCH_REDIS_URL (default redis://127.0.0.1:6379/0), BENCH_DATABASE_URL (Confer only; an
// empty database; default: a fresh one per run, made on BENCH_PG_URL), BENCH_CLUSTER_SERVERS=hocuspocus,confer,
// BENCH_CLUSTER_PROCESSES=1,2,3, BENCH_REPS.
import crypto from "node:crypto";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { sleep } from "../lib/Child.ts";
import { createBenchDatabase } from "../lib/benchDatabase.ts";
import { LatencyBook, percentile, updateHead } from "../lib/LatencyBook.ts";
import { LightClient } from "../lib/LightClient.ts";
import { importConferServer } from "../lib/conferServer.ts";
import { int, ms, pct, printTable } from "../lib/format.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";
import type { Target } from "../lib/wire.ts";

/** The servers this benchmark runs in several processes. */
export type ClusterKind = "hocuspocus" | "confer";

const TITLES: Record<ClusterKind, string> = {
  hocuspocus: "Hocuspocus 3.4.4 + extension-redis 3.4.4",
  confer: "Confer (PostgreSQL + Redis)",
};

/** One load shape, the same for every process count. */
export interface ClusterScenario {
  id: string;
  name: string;
  docs: number;
  /** Clients per document, spread round-robin over the processes. */
  clientsPerDoc: number;
  /** Each client types one character this often. */
  intervalMs: number;
  durationMs: number;
}

export const CLUSTER_SCENARIO: ClusterScenario = {
  id: "8x9",
  name: "8 docs × 9 clients, 1 char / 500 ms each (144 updates/s, 1,152 deliveries/s)",
  docs: 8,
  clientsPerDoc: 9,
  intervalMs: 500,
  durationMs: 10_000,
};

const DRAIN_TIMEOUT_MS = 10_000;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * Latency books split by where the reader is: `cross` for updates written through one process and
 * read through another, `same` for writer and reader on one process. `forProcess(p)` is the book a
 * client connected to process `p` reports to.
 */
class SplitBooks {
  readonly cross = new LatencyBook();
  readonly same = new LatencyBook();
  private readonly processOf = new Map<number, number>();

  forProcess(p: number): LatencyBook {
    const book = {
      recordSend: (u: Uint8Array, now?: number) => {
        const head = updateHead(u);
        if (head) this.processOf.set(head.client, p);
        this.cross.recordSend(u, now);
        this.same.recordSend(u, now);
      },
      recordArrival: (u: Uint8Array, self: number, now?: number) => {
        const head = updateHead(u);
        if (!head) return;
        (this.processOf.get(head.client) === p ? this.same : this.cross).recordArrival(u, self, now);
      },
    };
    // LightClient only calls these two methods.
    return book as unknown as LatencyBook;
  }
}

/** What one run measured. */
export interface ClusterResult {
  processes: number;
  clients: number;
  sent: number;
  expected: number;
  delivered: number;
  deliveredPerSec: number;
  p50: number;
  p99: number;
  crossP50: number;
  crossP99: number;
  sameP50: number;
  sameP99: number;
  failures: number;
}

/** Whether this Confer server reads DATABASE_URL and REDIS_URL (its own list of settings says). */
export async function conferSupportsCluster(): Promise<string | undefined> {
  const mod = (await importConferServer()) as unknown as { settings?: { name: string }[] };
  const names = new Set((mod.settings ?? []).map((s) => s.name));
  const missing = ["DATABASE_URL", "REDIS_URL"].filter((n) => !names.has(n));
  if (!mod.settings) return "this Confer server exports no list of settings";
  return missing.length ? `this Confer server does not read ${missing.join(" or ")} yet (not in server/src/config.ts settings)` : undefined;
}

async function startProcesses(kind: ClusterKind, n: number, redisUrl: string, databaseUrl: string): Promise<ServerUnderTest[]> {
  const servers: ServerUnderTest[] = [];
  try {
    if (kind === "hocuspocus") {
      // Its own key prefix per run, so runs (and anything else on this Redis) never see each other's messages.
      const env = { BENCH_REDIS_URL: redisUrl, BENCH_REDIS_PREFIX: `confer-bench-hp-${crypto.randomBytes(4).toString("hex")}` };
      for (let i = 0; i < n; i++) servers.push(await ServerUnderTest.start("hocuspocus", { label: `cluster-hp-${i + 1}of${n}`, env }));
    } else {
      const env = { BENCH_REDIS_URL: redisUrl, BENCH_DATABASE_URL: databaseUrl, BENCH_REDIS_PREFIX: `confer-bench-${crypto.randomBytes(4).toString("hex")}:` };
      const first = await ServerUnderTest.start("confer", { label: `cluster-confer-1of${n}`, env });
      servers.push(first);
      // The others share the first one's database, so its user and session are theirs too.
      for (let i = 1; i < n; i++) servers.push(await ServerUnderTest.start("confer", { label: `cluster-confer-${i + 1}of${n}`, env, cookie: first.api!.cookie }));
    }
    return servers;
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
}

async function runOne(kind: ClusterKind, n: number, sc: ClusterScenario, redisUrl: string, databaseUrl: string | undefined): Promise<ClusterResult> {
  // Confer: a fresh database per run unless BENCH_DATABASE_URL names one.
  const fresh = kind === "confer" && !databaseUrl ? await createBenchDatabase() : undefined;
  let servers: ServerUnderTest[];
  try {
    servers = await startProcesses(kind, n, redisUrl, (fresh?.url ?? databaseUrl)!);
  } catch (err) {
    await fresh?.drop();
    throw err;
  }
  const books = new SplitBooks();
  const clients: { client: LightClient; doc: number }[] = [];
  try {
    const docNames = await servers[0]!.newDocs(sc.docs, "cluster");
    // Client j of a document goes to process j mod n: every document has readers on every process.
    for (let d = 0; d < sc.docs; d++) {
      for (let j = 0; j < sc.clientsPerDoc; j++) {
        const p = j % n;
        const target: Target = servers[p]!.target;
        clients.push({ client: new LightClient(target, docNames[d]!, books.forProcess(p)), doc: d });
      }
    }
    await Promise.all(clients.map((c) => c.client.synced));
    await sleep(500);

    const sentPerDoc = new Array<number>(sc.docs).fill(0);
    const endAt = performance.now() + sc.durationMs;
    const timers: NodeJS.Timeout[] = [];
    await new Promise<void>((resolve) => {
      let running = clients.length;
      for (const c of clients) {
        let interval: NodeJS.Timeout | undefined;
        const tick = () => {
          if (performance.now() >= endAt) {
            clearInterval(interval);
            if (--running === 0) resolve();
            return;
          }
          c.client.type(LETTERS[sentPerDoc[c.doc]! % 26]!);
          sentPerDoc[c.doc]!++;
        };
        timers.push(
          setTimeout(() => {
            tick();
            interval = setInterval(tick, sc.intervalMs);
            timers.push(interval);
          }, Math.random() * sc.intervalMs),
        );
      }
    });
    for (const t of timers) clearTimeout(t);

    const expected = sentPerDoc.reduce((n2, s) => n2 + s * (sc.clientsPerDoc - 1), 0);
    const delivered = () => books.cross.delivered + books.same.delivered;
    const drainEnd = performance.now() + DRAIN_TIMEOUT_MS;
    while (delivered() < expected && performance.now() < drainEnd) await sleep(50);

    const all = Float64Array.from([...books.cross.sorted(), ...books.same.sorted()]).sort();
    const cross = books.cross.sorted();
    const same = books.same.sorted();
    return {
      processes: n,
      clients: clients.length,
      sent: sentPerDoc.reduce((a, b) => a + b, 0),
      expected,
      delivered: delivered(),
      deliveredPerSec: delivered() / (sc.durationMs / 1000),
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      crossP50: percentile(cross, 50),
      crossP99: percentile(cross, 99),
      sameP50: percentile(same, 50),
      sameP99: percentile(same, 99),
      failures: clients.filter((c) => c.client.failure).length,
    };
  } finally {
    for (const c of clients) c.client.close();
    await Promise.all(servers.map((s) => s.stop()));
    await fresh?.drop();
  }
}

/** Whether something accepts TCP connections at the URL's host and port within a second. */
function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort), timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** Runs the scenario with 1, 2 and 3 processes of each server; prints one table per server. */
export async function runCluster(sc: ClusterScenario = CLUSTER_SCENARIO): Promise<Partial<Record<ClusterKind, ClusterResult[] | { skipped: string }>>> {
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const kinds = (process.env.BENCH_CLUSTER_SERVERS ?? "hocuspocus,confer").split(",").filter(Boolean) as ClusterKind[];
  const counts = (process.env.BENCH_CLUSTER_PROCESSES ?? "1,2,3").split(",").map(Number);
  const reps = Number(process.env.BENCH_REPS) || 1;
  const out: Partial<Record<ClusterKind, ClusterResult[] | { skipped: string }>> = {};
  if (!(await reachable(redisUrl, 6379))) {
    console.log(`\nMulti-process fan-out: skipped: no Redis answers at ${redisUrl} (set BENCH_REDIS_URL).`);
    return out;
  }
  for (const kind of kinds) {
    if (kind === "confer") {
      const why = await conferSupportsCluster();
      if (why) {
        console.log(`\nMulti-process fan-out, ${TITLES.confer}: skipped: ${why}. It runs once the PostgreSQL and Redis work is merged.`);
        out.confer = { skipped: why };
        continue;
      }
    }
    const results: ClusterResult[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const n of rep % 2 === 0 ? counts : [...counts].reverse()) {
        const started = performance.now();
        const r = await runOne(kind, n, sc, redisUrl, databaseUrl);
        console.error(`cluster ${kind} ×${n} run ${rep + 1}/${reps}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(1)} ms (${((performance.now() - started) / 1000).toFixed(0)} s)`);
        results.push(r);
      }
    }
    results.sort((a, b) => a.processes - b.processes);
    printTable(
      `Multi-process fan-out: ${TITLES[kind]}: ${sc.name}, ${sc.durationMs / 1000} s, clients round-robin over the processes`,
      ["processes", "clients", "sent", "delivered", "delivered/s", "p50", "p99", "cross-process p50", "cross-process p99", "same-process p50", "same-process p99", "failed clients"],
      results.map((r) => [
        String(r.processes),
        int(r.clients),
        int(r.sent),
        `${int(r.delivered)} (${pct(r.delivered / r.expected)})`,
        int(r.deliveredPerSec),
        ms(r.p50),
        ms(r.p99),
        ms(r.crossP50),
        ms(r.crossP99),
        ms(r.sameP50),
        ms(r.sameP99),
        String(r.failures),
      ]),
      [
        "Latency: from a client typing to another client of the same document receiving it; cross-process = writer and reader on different processes.",
        `Redis: ${redisUrl}${kind === "confer" ? `; PostgreSQL: ${databaseUrl ?? "a fresh database per run on BENCH_PG_URL (default 127.0.0.1:5432)"}` : ""}. Clients and servers share this machine.`,
      ],
    );
    out[kind] = results;
  }
  return out;
}
