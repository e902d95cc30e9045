import os from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { sleep } from "../lib/Child.ts";
import { LatencyBook, percentile } from "../lib/LatencyBook.ts";
import { LightClient } from "../lib/LightClient.ts";
import { coresBusy, readCpuTicks } from "../lib/machineLoad.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";
import { SERVER_KINDS, type MemorySample, type ServerKind } from "../lib/serverKinds.ts";
import { connectStock, type StockClient } from "../lib/stockClient.ts";
import { pool, printFanout, type FanoutResult, type FanoutResults } from "./fanoutReport.ts";

export type { FanoutResults } from "./fanoutReport.ts";

/** One load shape: `clients` editors spread over `docs` documents, each typing one character every `intervalMs`. */
export interface FanoutScenario {
  /** Short name to select it: `pnpm bench 1500x500`, or BENCH_SCENARIOS=50x10,1500x500. */
  id: string;
  name: string;
  clients: number;
  docs: number;
  /** How many of the clients are full stock providers (the rest are protocol-level load clients). */
  stock: number;
  intervalMs: number;
  /** Load clients send presence on connect and renew it this often (providers: every 15 s); none when unset. */
  awarenessMs?: number;
  durationMs: number;
  /** Runs per server (BENCH_REPS overrides); servers alternate order between runs. */
  reps: number;
}

/** The scenarios `pnpm bench` runs. */
export const FANOUT_SCENARIOS: FanoutScenario[] = [
  { id: "50x10", name: "50 clients × 10 docs, 1 char / 200 ms each", clients: 50, docs: 10, stock: 4, intervalMs: 200, durationMs: 8_000, reps: 5 },
  {
    id: "1500x500",
    name: "1,500 clients × 500 docs, 350 chars / s in all, presence renewed every 15 s",
    clients: 1500,
    docs: 500,
    stock: 4,
    intervalMs: Math.round((1500 / 350) * 1000),
    awarenessMs: 15_000,
    durationMs: 15_000,
    reps: 5,
  },
  { id: "200x1", name: "200 editors in 1 doc, 1 char / 1 s each", clients: 200, docs: 1, stock: 3, intervalMs: 1000, durationMs: 8_000, reps: 2 },
  { id: "stress", name: "200 editors in 1 doc, 1 char / 200 ms each (stress)", clients: 200, docs: 1, stock: 3, intervalMs: 200, durationMs: 5_000, reps: 1 },
];

/** Scenarios picked by id or index (BENCH_SCENARIOS=50x10,1 or `pnpm bench 1500x500`); all when none is named. */
export function selectScenarios(names: string[] = (process.env.BENCH_SCENARIOS ?? "").split(",").filter(Boolean)): FanoutScenario[] {
  if (!names.length) return FANOUT_SCENARIOS;
  return FANOUT_SCENARIOS.filter((sc, i) => names.includes(sc.id) || names.includes(String(i)));
}

const CONNECT_BATCH = 50;
const DRAIN_TIMEOUT_MS = 10_000;
const CONVERGE_TIMEOUT_MS = 15_000;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

async function runOne(kind: ServerKind, sc: FanoutScenario): Promise<FanoutResult> {
  const server = await ServerUnderTest.start(kind, { label: `fanout-${sc.clients}x${sc.docs}` });
  const book = new LatencyBook();
  const light: { client: LightClient; doc: number }[] = [];
  const stock: { client: StockClient; doc: number }[] = [];
  try {
    const docNames = await server.newDocs(sc.docs, "fanout");
    // Warm-up: a few connections opened and closed, so the memory baseline is a server that has served.
    const warm = docNames.map((name) => new LightClient(server.target, name, new LatencyBook()));
    await Promise.all(warm.map((c) => c.synced));
    for (const c of warm) c.close();
    await sleep(300);
    const mem0 = await server.mem();
    // Stock clients go to the first documents, one each, wrapping around.
    for (let i = 0; i < sc.clients; i += CONNECT_BATCH) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(sc.clients, i + CONNECT_BATCH); j++) {
        const doc = j % sc.docs;
        if (j < sc.stock) {
          const client = connectStock(server.target, docNames[doc]!);
          stock.push({ client, doc });
          batch.push(client.whenSynced(30_000));
        } else {
          const client = new LightClient(server.target, docNames[doc]!, book, sc.awarenessMs !== undefined);
          light.push({ client, doc });
          batch.push(client.synced);
        }
      }
      await Promise.all(batch);
    }
    for (const s of stock) {
      s.client.doc.on("update", (u: Uint8Array, origin: unknown) => {
        if (!s.client.isRemote(origin)) book.recordSend(u);
      });
    }
    await sleep(500);
    const mem1 = await server.mem();

    // Type.
    const sentLight = new Array<number>(sc.docs).fill(0);
    const sentStock = new Array<number>(sc.docs).fill(0);
    const lightPerDoc = new Array<number>(sc.docs).fill(0);
    for (const l of light) lightPerDoc[l.doc]!++;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    await server.resetLoad();
    loop.enable();
    const cpu0 = process.cpuUsage();
    const ticks0 = readCpuTicks();
    const wall0 = performance.now();
    const endAt = performance.now() + sc.durationMs;
    const timers: NodeJS.Timeout[] = [];
    const typers: (() => void)[] = [
      ...light.map((l) => () => {
        l.client.type(LETTERS[sentLight[l.doc]! % 26]!);
        sentLight[l.doc]!++;
      }),
      ...stock.map((s) => () => {
        const text = s.client.text;
        text.insert(Math.floor(Math.random() * (text.length + 1)), LETTERS[sentStock[s.doc]! % 26]!.toUpperCase());
        sentStock[s.doc]!++;
      }),
    ];
    // Presence renewals, each client at its own phase, as providers renew every 15 s.
    if (sc.awarenessMs !== undefined) {
      const every = sc.awarenessMs;
      for (const l of light) {
        timers.push(
          setTimeout(() => {
            l.client.sendAwareness();
            timers.push(setInterval(() => l.client.sendAwareness(), every));
          }, Math.random() * every),
        );
      }
    }
    await new Promise<void>((resolve) => {
      let running = typers.length;
      for (const typeOne of typers) {
        const tick = () => {
          if (performance.now() >= endAt) {
            clearInterval(interval);
            if (--running === 0) resolve();
            return;
          }
          typeOne();
        };
        let interval: NodeJS.Timeout | undefined;
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
    loop.disable();
    const cpu = process.cpuUsage(cpu0);
    const clientCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    const machineCores = coresBusy(ticks0, readCpuTicks(), os.cpus().length);
    const serverLoad = await server.load();
    const otherCores = machineCores - clientCpu - serverLoad.cpuMs / serverLoad.wallMs;

    // Drain: every load client should have every other client's updates.
    let expected = 0;
    for (let d = 0; d < sc.docs; d++) expected += sentLight[d]! * Math.max(0, lightPerDoc[d]! - 1) + sentStock[d]! * lightPerDoc[d]!;
    const drainEnd = performance.now() + DRAIN_TIMEOUT_MS;
    while (book.delivered < expected && performance.now() < drainEnd) await sleep(50);

    // Convergence of the stock clients: identical and complete copies.
    const convergeEnd = performance.now() + CONVERGE_TIMEOUT_MS;
    const docsWithStock = [...new Set(stock.map((s) => s.doc))];
    const complete = () =>
      docsWithStock.every((d) => {
        const copies = stock.filter((s) => s.doc === d).map((s) => s.client.text.toString());
        return copies.every((c) => c.length === sentLight[d]! + sentStock[d]! && c === copies[0]);
      });
    while (!complete() && performance.now() < convergeEnd) await sleep(100);
    const converged = complete();
    const convergeNote = docsWithStock
      .map((d) => {
        const lens = stock.filter((s) => s.doc === d).map((s) => s.client.text.length);
        return `doc ${d}: ${lens.join("/")} of ${sentLight[d]! + sentStock[d]!} chars`;
      })
      .join("; ");
    const mem2 = await server.mem();
    const failures = light.filter((l) => l.client.failure).map((l) => l.client.failure);
    if (failures.length) console.error(`${kind}: ${failures.length} load clients failed, first: ${failures[0]}`);

    const sorted = book.sorted();
    const sent = sentLight.reduce((a, b) => a + b, 0) + sentStock.reduce((a, b) => a + b, 0);
    const perConn = (a: MemorySample, b: MemorySample, key: keyof MemorySample) => (b[key] - a[key]) / sc.clients;
    return {
      sent,
      expected,
      delivered: book.delivered,
      deliveredPerSec: book.delivered / (sc.durationMs / 1000),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? NaN,
      converged,
      convergeNote,
      heapPerConn: perConn(mem0, mem1, "heapUsed"),
      rssPerConn: perConn(mem0, mem1, "rss"),
      rssAfterLoadPerConn: perConn(mem0, mem2, "rss"),
      server: serverLoad,
      clientLoopP99: loop.percentile(99) / 1e6,
      clientCpu,
      otherCores,
      samples: sorted,
    };
  } finally {
    for (const l of light) l.client.close();
    for (const s of stock) s.client.destroy();
    await server.stop();
  }
}

/**
 * Runs every scenario against every server, side by side (server order reversed on every other
 * run, so drift of the machine does not always favour the same server); prints one table per scenario.
 */
export async function runFanout(
  scenarios: FanoutScenario[] = selectScenarios(),
  kinds: readonly ServerKind[] = SERVER_KINDS,
): Promise<{ scenario: FanoutScenario; results: FanoutResults }[]> {
  const all = [];
  for (const sc of scenarios) {
    const runs = new Map<ServerKind, FanoutResult[]>(kinds.map((k) => [k, []]));
    const errors = new Map<ServerKind, string>();
    const reps = Number(process.env.BENCH_REPS) || sc.reps;
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of rep % 2 === 0 ? kinds : [...kinds].reverse()) {
        if (errors.has(kind)) continue;
        try {
          const started = performance.now();
          const result = await runOne(kind, sc);
          runs.get(kind)!.push(result);
          // Progress on stderr, so stdout stays the tables.
          console.error(`fan-out ${sc.id} run ${rep + 1}/${reps} ${kind}: p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(1)} ms (${((performance.now() - started) / 1000).toFixed(0)} s)`);
        } catch (err) {
          errors.set(kind, (err as Error).message);
          console.error(`fan-out "${sc.name}" via ${kind} failed:`, err);
        }
      }
    }
    const results: FanoutResults = {};
    for (const kind of kinds) {
      const error = errors.get(kind);
      results[kind] = error ? { error } : pool(runs.get(kind)!);
    }
    printFanout(sc, results, reps);
    all.push({ scenario: sc, results });
  }
  return all;
}
