import os from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { sleep } from "../lib/Child.ts";
import { bytes, int, ms, pct, printTable } from "../lib/format.ts";
import { LatencyBook, percentile } from "../lib/LatencyBook.ts";
import { LightClient } from "../lib/LightClient.ts";
import { coresBusy, readCpuTicks } from "../lib/machineLoad.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";
import { SERVER_KINDS, SERVER_TITLES, type LoadSample, type MemorySample, type ServerKind } from "../lib/serverKinds.ts";
import { connectStock, type StockClient } from "../lib/stockClient.ts";

/** One load shape: `clients` editors spread over `docs` documents, each typing one character every `intervalMs`. */
export interface FanoutScenario {
  name: string;
  clients: number;
  docs: number;
  /** How many of the clients are full stock providers (the rest are protocol-level load clients). */
  stock: number;
  intervalMs: number;
  durationMs: number;
  /** Runs per server; servers alternate order between runs and latencies are pooled. */
  reps: number;
}

/** The scenarios `pnpm bench` runs (BENCH_SCENARIOS=0,2 picks some by index). */
export const FANOUT_SCENARIOS: FanoutScenario[] = [
  { name: "50 clients × 10 docs, 1 char / 200 ms each", clients: 50, docs: 10, stock: 4, intervalMs: 200, durationMs: 8_000, reps: 2 },
  { name: "200 editors in 1 doc, 1 char / 1 s each", clients: 200, docs: 1, stock: 3, intervalMs: 1000, durationMs: 8_000, reps: 2 },
  { name: "200 editors in 1 doc, 1 char / 200 ms each (stress)", clients: 200, docs: 1, stock: 3, intervalMs: 200, durationMs: 5_000, reps: 1 },
];

function selectedScenarios(): FanoutScenario[] {
  const only = (process.env.BENCH_SCENARIOS ?? "").split(",").filter(Boolean).map(Number);
  return only.length ? FANOUT_SCENARIOS.filter((_, i) => only.includes(i)) : FANOUT_SCENARIOS;
}

/** What one scenario measured against one server. */
export interface FanoutResult {
  sent: number;
  expected: number;
  delivered: number;
  deliveredPerSec: number;
  p50: number;
  p99: number;
  max: number;
  /** Stock clients: every document's copies identical and complete. */
  converged: boolean;
  convergeNote: string;
  heapPerConn: number;
  rssPerConn: number;
  rssAfterLoadPerConn: number;
  server: LoadSample;
  /** Event-loop delay p99 of this (load-generating) process while typing: high means the numbers are client-bound. */
  clientLoopP99: number;
  /** CPU used by this (load-generating) process while typing, as a share of one core. */
  clientCpu: number;
  /** CPU used by everything else on the machine while typing, in cores (other people's jobs skew results). */
  otherCores: number;
  /** All latencies, ascending (ms). */
  samples: Float64Array;
}

const CONNECT_BATCH = 25;
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
          const client = new LightClient(server.target, docNames[doc]!, book);
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

/** Several runs of one scenario on one server, pooled. */
export interface FanoutPooled {
  runs: FanoutResult[];
  /** Pooled over all runs (latencies merged; rates and loads averaged). */
  pooled: FanoutResult;
}

function pool(runs: FanoutResult[]): FanoutPooled {
  const samples = new Float64Array(runs.reduce((n, r) => n + r.samples.length, 0));
  let at = 0;
  for (const r of runs) {
    samples.set(r.samples, at);
    at += r.samples.length;
  }
  samples.sort();
  const avg = (f: (r: FanoutResult) => number) => runs.reduce((n, r) => n + f(r), 0) / runs.length;
  const sum = (f: (r: FanoutResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  const pooled: FanoutResult = {
    sent: sum((r) => r.sent),
    expected: sum((r) => r.expected),
    delivered: sum((r) => r.delivered),
    deliveredPerSec: avg((r) => r.deliveredPerSec),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1] ?? NaN,
    converged: runs.every((r) => r.converged),
    convergeNote: runs.map((r) => r.convergeNote).join(" | "),
    heapPerConn: avg((r) => r.heapPerConn),
    rssPerConn: avg((r) => r.rssPerConn),
    rssAfterLoadPerConn: avg((r) => r.rssAfterLoadPerConn),
    server: {
      cpuMs: sum((r) => r.server.cpuMs),
      wallMs: sum((r) => r.server.wallMs),
      elu: avg((r) => r.server.elu),
      loopP99Ms: Math.max(...runs.map((r) => r.server.loopP99Ms)),
      loopMaxMs: Math.max(...runs.map((r) => r.server.loopMaxMs)),
      gcMs: sum((r) => r.server.gcMs),
      gcMaxMs: Math.max(...runs.map((r) => r.server.gcMaxMs)),
      append: runs[0]!.server.append && {
        calls: sum((r) => r.server.append!.calls),
        updates: sum((r) => r.server.append!.updates),
        totalMs: sum((r) => r.server.append!.totalMs),
        maxMs: Math.max(...runs.map((r) => r.server.append!.maxMs)),
      },
    },
    clientLoopP99: Math.max(...runs.map((r) => r.clientLoopP99)),
    clientCpu: avg((r) => r.clientCpu),
    otherCores: avg((r) => r.otherCores),
    samples,
  };
  return { runs, pooled };
}

/** Results of one scenario, by server. */
export type FanoutResults = Partial<Record<ServerKind, FanoutPooled | { error: string }>>;

/**
 * Runs every scenario against every server, side by side (server order reversed on every other
 * run, so drift of the machine does not always favour the same server); prints one table per scenario.
 */
export async function runFanout(
  scenarios: FanoutScenario[] = selectedScenarios(),
  kinds: readonly ServerKind[] = SERVER_KINDS,
): Promise<{ scenario: FanoutScenario; results: FanoutResults }[]> {
  const all = [];
  for (const sc of scenarios) {
    const runs = new Map<ServerKind, FanoutResult[]>(kinds.map((k) => [k, []]));
    const errors = new Map<ServerKind, string>();
    for (let rep = 0; rep < sc.reps; rep++) {
      for (const kind of rep % 2 === 0 ? kinds : [...kinds].reverse()) {
        if (errors.has(kind)) continue;
        try {
          runs.get(kind)!.push(await runOne(kind, sc));
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
    printFanout(sc, results);
    all.push({ scenario: sc, results });
  }
  return all;
}

function printFanout(sc: FanoutScenario, results: FanoutResults): void {
  const cols = Object.keys(results) as ServerKind[];
  const cell = (k: ServerKind, f: (r: FanoutPooled) => string) => {
    const r = results[k];
    return r && !("error" in r) ? f(r) : "failed";
  };
  const row = (label: string, f: (r: FanoutResult) => string) => [label, ...cols.map((k) => cell(k, (p) => f(p.pooled)))];
  const perRun = (label: string, f: (r: FanoutResult) => string) => [label, ...cols.map((k) => cell(k, (p) => p.runs.map(f).join(" / ")))];
  printTable(
    `Fan-out: ${sc.name} (${sc.stock} stock providers among them, ${sc.durationMs / 1000} s typing, ${sc.reps} run${sc.reps > 1 ? "s" : ""} per server)`,
    ["", ...cols.map((k) => SERVER_TITLES[k])],
    [
      row("updates sent", (r) => int(r.sent)),
      row("updates delivered / s", (r) => int(r.deliveredPerSec)),
      row("delivered / expected", (r) => `${int(r.delivered)} / ${int(r.expected)}`),
      row("latency p50", (r) => ms(r.p50)),
      row("latency p99", (r) => ms(r.p99)),
      ...(sc.reps > 1 ? [perRun("latency p99 of each run", (r) => ms(r.p99))] : []),
      row("latency max", (r) => ms(r.max)),
      row("stock clients converged", (r) => (r.converged ? "yes" : "NO")),
      row("server CPU (of one core)", (r) => pct(r.server.cpuMs / r.server.wallMs)),
      row("server event-loop utilisation", (r) => pct(r.server.elu)),
      row("server event-loop delay p99 / max", (r) => `${ms(r.server.loopP99Ms)} / ${ms(r.server.loopMaxMs)}`),
      row("server GC pauses: share of time / longest", (r) => `${pct(r.server.gcMs / r.server.wallMs)} / ${ms(r.server.gcMaxMs)}`),
      row("Confer log writes: count (updates)", (r) => (r.server.append ? `${int(r.server.append.calls)} (${int(r.server.append.updates)})` : "–")),
      row("Confer log writes: share of time / longest", (r) =>
        r.server.append ? `${pct(r.server.append.totalMs / r.server.wallMs)} / ${ms(r.server.append.maxMs)}` : "–",
      ),
      row("server heap per connection (idle)", (r) => bytes(r.heapPerConn)),
      row("server RSS per connection (idle; noisy)", (r) => bytes(r.rssPerConn)),
      row("server RSS per connection (after load; noisy)", (r) => bytes(r.rssAfterLoadPerConn)),
      row("load generator CPU (of one core)", (r) => pct(r.clientCpu)),
      row("load generator event-loop delay p99", (r) => ms(r.clientLoopP99)),
      row("rest of machine CPU, cores (others' jobs + kernel)", (r) => r.otherCores.toFixed(2)),
    ],
    cols
      .map((k) => {
        const r = results[k];
        if (!r) return "";
        return "error" in r ? `${k} failed: ${r.error}` : r.pooled.converged ? "" : `${k} did not converge: ${r.pooled.convergeNote}`;
      })
      .filter(Boolean),
  );
}
