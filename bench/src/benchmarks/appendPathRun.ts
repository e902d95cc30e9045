import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import { applyPatches, readTrace } from "../lib/traces.ts";
import { TEXT_NAME } from "../lib/stockClient.ts";

/** What the append path needs of Confer's document storage. */
interface Storage {
  append(docId: string, updates: Uint8Array[]): Promise<number>;
  readonly stats?: { commits: number };
}

/** One append-path measurement, made inside the server child (no network, no IPC per append). */
export interface AppendPathResult {
  appends: number;
  updates: number;
  totalMs: number;
  commits: number;
  /** Time from `append` to its acknowledgement, per call. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Runs one append-path scenario on the server's own storage.
 * "stream": one document receives a trace's updates one append each, 200 per event-loop turn
 * without waiting (as the sync server queues them while a client types fast), all awaited at the end.
 * "docs": every document appends `perDoc` small updates one after another, each waiting for its
 * acknowledgement (people typing in many documents at once); the documents run concurrently.
 */
export async function appendPathRun(
  storage: Storage,
  args: { scenario: "stream"; docId: string; trace: string; limit: number } | { scenario: "docs"; docIds: string[]; perDoc: number },
): Promise<AppendPathResult> {
  const latencies: number[] = [];
  const timed = async (docId: string, u: Uint8Array) => {
    const t0 = performance.now();
    await storage.append(docId, [u]);
    latencies.push(performance.now() - t0);
  };
  const commits0 = storage.stats?.commits ?? 0;
  let t0: number;
  let updates = 0;
  if (args.scenario === "stream") {
    const trace = readTrace(args.trace);
    const doc = new Y.Doc();
    const text = doc.getText(TEXT_NAME);
    const all: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => all.push(u));
    for (const txn of trace.txns.slice(0, args.limit)) doc.transact(() => applyPatches(text, txn.patches));
    updates = all.length;
    t0 = performance.now();
    const acks: Promise<void>[] = [];
    for (let i = 0; i < all.length; i++) {
      acks.push(timed(args.docId, all[i]!));
      if (i % 200 === 199) await new Promise<void>((r) => setImmediate(r));
    }
    await Promise.all(acks);
  } else {
    const payloads = args.docIds.map(() => {
      const doc = new Y.Doc();
      const out: Uint8Array[] = [];
      doc.on("update", (u: Uint8Array) => out.push(u));
      for (let i = 0; i < args.perDoc; i++) doc.getText(TEXT_NAME).insert(i, "x");
      return out;
    });
    updates = payloads.reduce((n, p) => n + p.length, 0);
    t0 = performance.now();
    await Promise.all(
      args.docIds.map(async (docId, d) => {
        for (const u of payloads[d]!) await timed(docId, u);
      }),
    );
  }
  const totalMs = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { appends: latencies.length, updates, totalMs, commits: (storage.stats?.commits ?? 0) - commits0, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies[latencies.length - 1] ?? 0 };
}
