import { bytes, int, ms, pct, printTable, ratio, spread, spreadMs, type Spread } from "../lib/format.ts";
import { percentile } from "../lib/LatencyBook.ts";
import { SERVER_TITLES, type LoadSample, type ServerKind } from "../lib/serverKinds.ts";
import type { FanoutScenario } from "./fanout.ts";

/** What one scenario measured against one server in one run. */
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

/** Several runs of one scenario on one server. */
export interface FanoutPooled {
  runs: FanoutResult[];
  /** Latencies of all runs merged; rates and loads averaged. */
  pooled: FanoutResult;
  /** Per-run p50 and p99: median, min and max over the runs. */
  p50: Spread;
  p99: Spread;
}

/** Results of one scenario, by server. */
export type FanoutResults = Partial<Record<ServerKind, FanoutPooled | { error: string }>>;

/** Pools several runs of one server. */
export function pool(runs: FanoutResult[]): FanoutPooled {
  const samples = new Float64Array(runs.reduce((n, r) => n + r.samples.length, 0));
  let at = 0;
  for (const r of runs) {
    samples.set(r.samples, at);
    at += r.samples.length;
  }
  samples.sort();
  const avg = (f: (r: FanoutResult) => number) => runs.reduce((n, r) => n + f(r), 0) / runs.length;
  const sum = (f: (r: FanoutResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  const max = (f: (r: FanoutResult) => number) => Math.max(...runs.map(f));
  const first = runs[0]!.server;
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
      loopP99Ms: max((r) => r.server.loopP99Ms),
      loopMaxMs: max((r) => r.server.loopMaxMs),
      gcMs: sum((r) => r.server.gcMs),
      gcMaxMs: max((r) => r.server.gcMaxMs),
      append: first.append && {
        calls: sum((r) => r.server.append!.calls),
        updates: sum((r) => r.server.append!.updates),
        totalMs: sum((r) => r.server.append!.totalMs),
        maxMs: max((r) => r.server.append!.maxMs),
      },
      storage: first.storage && {
        commits: sum((r) => r.server.storage!.commits),
        commitMs: sum((r) => r.server.storage!.commitMs),
        commitMaxMs: max((r) => r.server.storage!.commitMaxMs),
        flushes: sum((r) => r.server.storage!.flushes),
        flushMaxMs: max((r) => r.server.storage!.flushMaxMs),
        checkpoints: sum((r) => r.server.storage!.checkpoints),
        busyRetries: sum((r) => r.server.storage!.busyRetries),
      },
    },
    clientLoopP99: max((r) => r.clientLoopP99),
    clientCpu: avg((r) => r.clientCpu),
    otherCores: avg((r) => r.otherCores),
    samples,
  };
  return { runs, pooled, p50: spread(runs.map((r) => r.p50)), p99: spread(runs.map((r) => r.p99)) };
}


/** Prints one scenario's table, one column per server. */
export function printFanout(sc: FanoutScenario, results: FanoutResults, reps: number): void {
  const cols = Object.keys(results) as ServerKind[];
  const ok = (k: ServerKind) => {
    const r = results[k];
    return r && !("error" in r) ? r : undefined;
  };
  const cell = (k: ServerKind, f: (r: FanoutPooled) => string) => {
    const r = ok(k);
    return r ? f(r) : "failed";
  };
  const row = (label: string, f: (r: FanoutResult) => string) => [label, ...cols.map((k) => cell(k, (p) => f(p.pooled)))];
  const rowP = (label: string, f: (r: FanoutPooled) => string) => [label, ...cols.map((k) => cell(k, f))];
  const perRun = (label: string, f: (r: FanoutResult) => string) => [label, ...cols.map((k) => cell(k, (p) => p.runs.map(f).join(" / ")))];
  const ywss = ok("y-websocket-server");
  const storageRow = (label: string, f: (s: NonNullable<LoadSample["storage"]>, r: FanoutResult) => string) =>
    row(label, (r) => (r.server.storage ? f(r.server.storage, r) : "–"));
  printTable(
    `Fan-out: ${sc.name} (${sc.stock} stock providers among them, ${sc.durationMs / 1000} s typing, ${reps} run${reps > 1 ? "s" : ""} per server, order alternating)`,
    ["", ...cols.map((k) => SERVER_TITLES[k])],
    [
      row("updates sent", (r) => int(r.sent)),
      row("updates delivered / s", (r) => int(r.deliveredPerSec)),
      row("delivered / expected", (r) => `${int(r.delivered)} / ${int(r.expected)}`),
      rowP("latency p50: median of runs (min–max)", (p) => spreadMs(p.p50)),
      rowP("latency p99: median of runs (min–max)", (p) => spreadMs(p.p99)),
      rowP("p99 median ÷ @y/websocket-server's", (p) => (ywss ? ratio(p.p99.median / ywss.p99.median) : "–")),
      rowP("p50 median ÷ @y/websocket-server's", (p) => (ywss ? ratio(p.p50.median / ywss.p50.median) : "–")),
      perRun("latency p99 of each run", (r) => ms(r.p99)),
      row("latency p99, all runs pooled", (r) => ms(r.p99)),
      row("latency max", (r) => ms(r.max)),
      row("stock clients converged", (r) => (r.converged ? "yes" : "NO")),
      row("server CPU (of one core)", (r) => pct(r.server.cpuMs / r.server.wallMs)),
      row("server event-loop utilisation", (r) => pct(r.server.elu)),
      row("server event-loop delay p99 / max", (r) => `${ms(r.server.loopP99Ms)} / ${ms(r.server.loopMaxMs)}`),
      row("server GC pauses: share of time / longest", (r) => `${pct(r.server.gcMs / r.server.wallMs)} / ${ms(r.server.gcMaxMs)}`),
      row("Confer log writes: appends (updates)", (r) => (r.server.append ? `${int(r.server.append.calls)} (${int(r.server.append.updates)})` : "–")),
      storageRow("Confer commits: count / event-loop share / longest", (s, r) => `${int(s.commits)} / ${pct(s.commitMs / r.server.wallMs)} / ${ms(s.commitMaxMs)}`),
      storageRow("Confer disk flushes (off the loop): count / longest", (s) => (s.flushes ? `${int(s.flushes)} / ${ms(s.flushMaxMs)}` : "none")),
      storageRow("Confer WAL checkpoints (off the loop) / busy retries", (s) => `${int(s.checkpoints)} / ${int(s.busyRetries)}`),
      row("Confer append → stored: longest", (r) => (r.server.append ? ms(r.server.append.maxMs) : "–")),
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
