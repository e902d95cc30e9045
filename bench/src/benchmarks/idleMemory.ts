import { performance } from "node:perf_hooks";
import { sleep } from "../lib/Child.ts";
import { bytes, int, ms, printTable } from "../lib/format.ts";
import { LatencyBook } from "../lib/LatencyBook.ts";
import { LightClient } from "../lib/LightClient.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";
import { MEMORY_SERVER_KINDS, SERVER_TITLES, type MemorySample, type ServerKind } from "../lib/serverKinds.ts";

/** Documents loaded at once. */
const DOCS = 200;
/** Documents opened and closed before the baseline is taken. */
const WARMUP_DOCS = 25;
/** Confer's UNLOAD_AFTER_MS for this run. */
const UNLOAD_AFTER_MS = 3_000;
/** Content of each small document (one paragraph, one update). */
const PARAGRAPH = "Minutes of the weekly sync: the team agreed to ship the editor on Friday and to review the load test numbers. ";

/** Memory deltas per document (bytes) and how many of the measured documents are loaded. */
export interface PerDoc {
  heap: number;
  external: number;
  rss: number;
  loaded: number;
}

/** Server memory for many small documents, and whether idle ones are unloaded. */
export interface IdleMemoryResult {
  docs: number;
  /** Per document, with one idle connection each. */
  connected: PerDoc;
  /** Per document, right after every client left (still loaded, unless the server unloads at once). */
  idle: PerDoc;
  /** After waiting for unloading. */
  later: PerDoc & { afterMs: number };
}

async function runOne(kind: ServerKind): Promise<IdleMemoryResult> {
  const server = await ServerUnderTest.start(kind, { label: "idle", unloadAfterMs: UNLOAD_AFTER_MS });
  const clients: LightClient[] = [];
  try {
    const book = new LatencyBook();
    const open = async (names: string[]) => {
      const opened: LightClient[] = [];
      for (let i = 0; i < names.length; i += 25) {
        const batch = names.slice(i, i + 25).map((name) => new LightClient(server.target, name, book));
        opened.push(...batch);
        clients.push(...batch);
        await Promise.all(batch.map((c) => c.synced));
        for (const c of batch) c.type(PARAGRAPH);
      }
      return opened;
    };
    // Warm up first (JIT, caches, first-use allocations), so the baseline is a server that has served documents.
    const warm = await open(await server.newDocs(WARMUP_DOCS, "warm-up"));
    await sleep(500);
    for (const c of warm) c.close();
    // Confer unloads after UNLOAD_AFTER_MS, Hocuspocus at once (asynchronously); @y/websocket-server never does.
    if (kind !== "y-websocket-server") for (let i = 0; i < 40 && (await server.loadedDocs()) > 0; i++) await sleep(250);
    const docNames = await server.newDocs(DOCS, "idle");
    const loadedBefore = await server.loadedDocs();
    const base = await server.mem();
    await open(docNames);
    await sleep(1_000);
    const per = (m: MemorySample, loaded: number) => ({
      heap: (m.heapUsed - base.heapUsed) / DOCS,
      external: (m.external - base.external) / DOCS,
      rss: (m.rss - base.rss) / DOCS,
      loaded: loaded - loadedBefore,
    });
    const connected = per(await server.mem(), await server.loadedDocs());
    for (const c of clients) c.close();
    await sleep(300);
    const idle = per(await server.mem(), await server.loadedDocs());
    const left = performance.now();
    // Confer should unload after UNLOAD_AFTER_MS; give every server the same window.
    const deadline = left + UNLOAD_AFTER_MS + 5_000;
    let loaded = await server.loadedDocs();
    while (loaded > 0 && performance.now() < deadline) {
      await sleep(250);
      loaded = await server.loadedDocs();
    }
    const afterMs = performance.now() - left;
    const later = { ...per(await server.mem(), loaded), afterMs };
    return { docs: DOCS, connected, idle, later };
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
}

/** Loads many small documents on each server and prints memory per document. */
export async function runIdleMemory(kinds: readonly ServerKind[] = MEMORY_SERVER_KINDS): Promise<Partial<Record<ServerKind, IdleMemoryResult | { error: string }>>> {
  const results: Partial<Record<ServerKind, IdleMemoryResult | { error: string }>> = {};
  for (const kind of kinds) {
    try {
      results[kind] = await runOne(kind);
    } catch (err) {
      results[kind] = { error: (err as Error).message };
      console.error(`idle memory via ${kind} failed:`, err);
    }
  }
  const cols = Object.keys(results) as ServerKind[];
  const row = (label: string, f: (r: IdleMemoryResult) => string) => [
    label,
    ...cols.map((k) => {
      const r = results[k];
      return r && !("error" in r) ? f(r) : "failed";
    }),
  ];
  printTable(
    `Memory per loaded small document (${DOCS} documents of ${PARAGRAPH.length} characters; heap after forced GC)`,
    ["", ...cols.map((k) => SERVER_TITLES[k])],
    [
      row("1 idle connection each: heap / doc", (r) => bytes(r.connected.heap)),
      row("1 idle connection each: external / doc", (r) => bytes(r.connected.external)),
      row("1 idle connection each: RSS / doc", (r) => bytes(r.connected.rss)),
      row("documents loaded", (r) => int(r.connected.loaded)),
      row("no connections, loaded: heap / doc", (r) => (r.idle.loaded > 0 ? bytes(r.idle.heap) : "unloaded at once")),
      row("no connections, loaded: external / doc", (r) => (r.idle.loaded > 0 ? bytes(r.idle.external) : "–")),
      row("no connections, loaded: RSS / doc", (r) => (r.idle.loaded > 0 ? bytes(r.idle.rss) : "–")),
      row("documents loaded 0.3 s after clients left", (r) => int(r.idle.loaded)),
      row("documents loaded later", (r) => `${int(r.later.loaded)} after ${ms(r.later.afterMs)}`),
      row("heap / doc after that", (r) => bytes(r.later.heap)),
    ],
    [
      `Confer runs with UNLOAD_AFTER_MS=${UNLOAD_AFTER_MS}. Deltas are against the same server after a warm-up of ${WARMUP_DOCS} documents (opened, edited, closed), divided by ${DOCS}. RSS is the least reliable (the allocator keeps freed pages).`,
    ],
  );
  return results;
}
