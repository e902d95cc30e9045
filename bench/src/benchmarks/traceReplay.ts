import os from "node:os";
import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import { Child, sleep } from "../lib/Child.ts";
import { bytes, int, ms, printTable, ratio } from "../lib/format.ts";
import { coresBusy, readCpuTicks } from "../lib/machineLoad.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";
import { SERVER_TITLES, type ServerKind } from "../lib/serverKinds.ts";
import { connectStock, TEXT_NAME } from "../lib/stockClient.ts";
import { applyPatches, readTrace, traceFiles, type Trace } from "../lib/traces.ts";
import type { WireCounter } from "../lib/wire.ts";

/** The sender yields to the event loop after this many transactions, so sending overlaps applying. */
const YIELD_EVERY = 200;
const CONVERGE_TIMEOUT_MS = 120_000;

/** In-process floor: the trace applied to one Y.Doc, no network, no server. */
export interface Floor {
  ms: number;
  /** Size of `encodeStateAsUpdate` at the end. */
  stateBytes: number;
  /** Sum of the per-transaction updates: the least a client must send. */
  updateBytes: number;
  txns: number;
  patches: number;
}

/** One replay through one server. */
export interface Replay {
  /** From the first transaction until the second client's text equals the end content. */
  totalMs: number;
  /** The sending client's own loop (applying + handing frames to the socket). */
  senderMs: number;
  sender: WireCounter;
  receiver: WireCounter;
  /** The sending client's own `encodeStateAsUpdate` at the end (same client id as what the server stored). */
  senderStateBytes: number;
  /** Confer: update-log writes (SQLite transactions) during the replay, and the updates they held. */
  logWrites?: { calls: number; updates: number; totalMs: number };
  /** CPU the rest of the machine used meanwhile, in cores (other people's jobs skew results). */
  otherCores: number;
  /** Confer only: what the store holds right after convergence and after the document was unloaded. */
  storedLive?: number;
  storedAfterUnload?: number;
  dbFileBytes?: number;
}

/** Results for one trace. */
export interface TraceResult {
  trace: string;
  floor: Floor;
  servers: Partial<Record<ServerKind, Replay | { error: string }>>;
}

function floorOnce(trace: Trace): Floor {
  const doc = new Y.Doc();
  const text = doc.getText(TEXT_NAME);
  let updateBytes = 0;
  doc.on("update", (u: Uint8Array) => (updateBytes += u.byteLength));
  const t0 = performance.now();
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) doc.transact(() => applyPatches(text, txn.patches));
  const elapsed = performance.now() - t0;
  if (text.toString() !== trace.endContent) throw new Error(`${trace.name}: in-process replay does not reach endContent`);
  const patches = trace.txns.reduce((n, t) => n + t.patches.length, 0);
  return { ms: elapsed, stateBytes: Y.encodeStateAsUpdate(doc).byteLength, updateBytes, txns: trace.txns.length, patches };
}

/** The floor, as the faster of two runs (the first one warms the JIT). */
export function measureFloor(trace: Trace): Floor {
  const a = floorOnce(trace);
  const b = floorOnce(trace);
  return a.ms <= b.ms ? a : b;
}

async function replay(kind: ServerKind, trace: Trace): Promise<Replay> {
  const server = await ServerUnderTest.start(kind, { label: `trace-${trace.name}`, unloadAfterMs: 200 });
  const receiver = Child.start("clients/traceReceiver.ts", [], `trace receiver (${kind})`);
  try {
    const [docName] = await server.newDocs(1, `trace ${trace.name}`);
    await receiver.request("start", { target: server.target, docName, endContent: trace.endContent }, 40_000);
    const client = connectStock(server.target, docName!);
    try {
      await client.whenSynced(30_000);
      await server.resetLoad();
      const { cpuMs: receiverCpu0 } = await receiver.request<{ cpuMs: number }>("cpu");
      const cpu0 = process.cpuUsage();
      const ticks0 = readCpuTicks();
      const t0 = performance.now();
      if (trace.startContent) client.text.insert(0, trace.startContent);
      for (let i = 0; i < trace.txns.length; i++) {
        client.doc.transact(() => applyPatches(client.text, trace.txns[i]!.patches));
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const senderMs = performance.now() - t0;
      const converged = await receiver.waitFor("converged", CONVERGE_TIMEOUT_MS);
      const totalMs = performance.now() - t0;
      const machine = coresBusy(ticks0, readCpuTicks(), os.cpus().length);
      const cpu = process.cpuUsage(cpu0);
      const serverLoad = await server.load();
      const ours = (cpu.user + cpu.system) / 1000 + serverLoad.cpuMs + ((converged.cpuMs as number) - receiverCpu0);
      const result: Replay = {
        otherCores: machine - ours / totalMs,
        logWrites: serverLoad.append,
        totalMs,
        senderMs,
        sender: { ...client.wire },
        receiver: converged.wire as WireCounter,
        senderStateBytes: Y.encodeStateAsUpdate(client.doc).byteLength,
      };
      if (kind === "confer" || kind === "confer-pg") {
        const live = await server.request<{ snapshotBytes: number; logBytes: number }>("stored", { docId: docName });
        result.storedLive = live.snapshotBytes + live.logBytes;
      }
      client.destroy();
      await receiver.stop(5_000);
      if (kind === "confer" || kind === "confer-pg") {
        for (let i = 0; i < 100 && (await server.loadedDocs()) > 0; i++) await sleep(100);
        const after = await server.request<{ snapshotBytes: number; logBytes: number }>("stored", { docId: docName });
        result.storedAfterUnload = after.snapshotBytes + after.logBytes;
        result.dbFileBytes = await server.request<number>("dbFiles");
      }
      return result;
    } finally {
      client.destroy();
    }
  } finally {
    receiver.kill();
    await server.stop();
  }
}

/**
 * The servers a trace goes through: the frame relay (lower bound), Confer on SQLite and on
 * PostgreSQL, and @y/websocket-server; BENCH_TRACE_SERVERS=all adds Hocuspocus (about 40 s more).
 */
export function traceServers(): ServerKind[] {
  const base: ServerKind[] = ["relay", "confer", "confer-pg", "y-websocket-server"];
  return process.env.BENCH_TRACE_SERVERS === "all" ? [...base, "hocuspocus"] : base;
}

/** Replays every trace in-process and through each server; prints one table per trace. */
export async function runTraceReplay(kinds: readonly ServerKind[] = traceServers()): Promise<TraceResult[]> {
  const results: TraceResult[] = [];
  // Warm the JIT for the client code with a short replay, so the first server measured is not penalised.
  const files = traceFiles();
  if (files.length) {
    const small = readTrace(files[files.length - 1]!);
    const doc = new Y.Doc();
    const text = doc.getText(TEXT_NAME);
    const txns = small.txns.slice(0, 5_000);
    for (const txn of txns) applyPatches(text, txn.patches);
    await replay(kinds[0]!, { ...small, txns, endContent: text.toString() }).catch((err: unknown) => console.error("warm-up replay failed:", err));
  }
  for (const file of files) {
    const trace = readTrace(file);
    const floor = measureFloor(trace);
    const result: TraceResult = { trace: trace.name, floor, servers: {} };
    for (const kind of kinds) {
      try {
        result.servers[kind] = await replay(kind, trace);
      } catch (err) {
        result.servers[kind] = { error: (err as Error).message };
        console.error(`trace ${trace.name} via ${kind} failed:`, err);
      }
    }
    results.push(result);
    printTraceTable(result);
  }
  return results;
}

function printTraceTable(r: TraceResult): void {
  const cols = Object.keys(r.servers) as ServerKind[];
  const get = (k: ServerKind) => {
    const v = r.servers[k];
    return v && !("error" in v) ? v : undefined;
  };
  const row = (label: string, floor: string, f: (v: Replay) => string) => [label, floor, ...cols.map((k) => (get(k) ? f(get(k)!) : "failed"))];
  const f = r.floor;
  const relay = get("relay");
  printTable(
    `Trace replay: ${r.trace} (${int(f.txns)} transactions, ${int(f.patches)} patches)`,
    ["", "in-process floor", ...cols.map((k) => SERVER_TITLES[k])],
    [
      row("time until 2nd client converged", ms(f.ms), (v) => ms(v.totalMs)),
      row("ratio to floor (target ≤ 2×)", "1.00×", (v) => ratio(v.totalMs / f.ms)),
      row("ratio to frame relay", "–", (v) => (relay ? ratio(v.totalMs / relay.totalMs) : "–")),
      row("sender loop (apply + send)", ms(f.ms), (v) => ms(v.senderMs)),
      row("frames sent by client 1", int(f.txns), (v) => int(v.sender.framesOut)),
      row("bytes sent by client 1", bytes(f.updateBytes), (v) => bytes(v.sender.bytesOut)),
      row("bytes received by client 1 (echo)", "–", (v) => bytes(v.sender.bytesIn)),
      row("frames received by client 2", "–", (v) => int(v.receiver.framesIn)),
      row("bytes received by client 2", "–", (v) => bytes(v.receiver.bytesIn)),
      row("wire bytes up / update bytes", "1.00×", (v) => ratio(v.sender.bytesOut / f.updateBytes)),
      row("Confer log writes: transactions (updates) / time", "–", (v) =>
        v.logWrites ? `${int(v.logWrites.calls)} (${int(v.logWrites.updates)}) / ${ms(v.logWrites.totalMs)}` : "–",
      ),
      row("rest of machine CPU, cores (others' jobs + kernel)", "–", (v) => v.otherCores.toFixed(2)),
      row("stored: right after convergence", bytes(f.stateBytes), (v) => bytes(v.storedLive)),
      row("stored: after unload (snapshot)", bytes(f.stateBytes), (v) => bytes(v.storedAfterUnload)),
      row("stored / sender's own state", "1.00×", (v) => (v.storedAfterUnload === undefined ? "–" : ratio(v.storedAfterUnload / v.senderStateBytes))),
      row("SQLite files on disk", "–", (v) => bytes(v.dbFileBytes)),
    ],
    [
      "Client 1 applies each transaction in its own Y.Doc transaction (one ws frame each) and yields every 200; client 2 runs in its own process. " +
        "Stored sizes depend on the random client id (varint length), so they are compared with the sender's own state.",
      ...Object.entries(r.servers)
        .filter(([, v]) => v && "error" in v)
        .map(([k, v]) => `${k} failed: ${(v as { error: string }).error}`),
    ],
  );
}
