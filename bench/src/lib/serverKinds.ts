/**
 * The sync servers the benchmarks compare, plus "relay": a frame relay without Yjs that forwards
 * updates between the clients of a room, the lower bound for any server with the same clients.
 * Confer runs in two durability modes: "confer" (DURABILITY=process, the default) and
 * "confer-disk" (DURABILITY=disk: every commit also waits for the disk flush). "confer-pg" and
 * "confer-pg-disk" are Confer on PostgreSQL (DATABASE_URL, a fresh database per run on BENCH_PG_URL,
 * default 127.0.0.1:5432) with DURABILITY=process (synchronous_commit=off) and disk (flushed).
 */
export type ServerKind = "confer" | "confer-disk" | "confer-pg" | "confer-pg-disk" | "y-websocket-server" | "hocuspocus" | "relay";

/** Whether `kind` is Confer (in either durability mode). */
export const isConfer = (kind: ServerKind): boolean => kind === "confer" || kind === "confer-disk" || kind === "confer-pg" || kind === "confer-pg-disk";

/** The DURABILITY setting a Confer kind runs with. */
export const conferDurability = (kind: ServerKind): "process" | "disk" => (kind === "confer-disk" || kind === "confer-pg-disk" ? "disk" : "process");

function narrowed(all: ServerKind[]): ServerKind[] {
  const only = (process.env.BENCH_SERVERS ?? "").split(",").filter(Boolean);
  return only.length ? all.filter((k) => only.includes(k)) : all;
}

/** Every server the fan-out compares, in the order tables list them; BENCH_SERVERS=confer,hocuspocus narrows it. */
export const SERVER_KINDS: readonly ServerKind[] = narrowed(["confer", "confer-disk", "y-websocket-server", "hocuspocus"]);

/** The servers compared where durability makes no difference (idle memory): one Confer column. */
export const MEMORY_SERVER_KINDS: readonly ServerKind[] = narrowed(["confer", "y-websocket-server", "hocuspocus"]);

/** Column titles, with the versions under test. */
export const SERVER_TITLES: Record<ServerKind, string> = {
  confer: "Confer (process)",
  "confer-disk": "Confer (disk)",
  "confer-pg": "Confer (PostgreSQL, process)",
  "confer-pg-disk": "Confer (PostgreSQL, disk)",
  "y-websocket-server": "@y/websocket-server 0.1.1",
  hocuspocus: "Hocuspocus 3.4.4",
  relay: "frame relay (no Yjs)",
};

/** Process memory as a server child reports it, after two forced collections. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** What Confer's DocumentStorage counted over a window (its `stats`), when the server exposes it. */
export interface StorageSample {
  /** Group commits made (each one SQLite transaction). */
  commits: number;
  /** Time the event loop spent inside those commits, in ms, and the longest one. */
  commitMs: number;
  commitMaxMs: number;
  /** DURABILITY=disk: flushes of the log to the disk (off the event loop), and the longest wait for one. */
  flushes: number;
  flushMaxMs: number;
  /** Checkpoints of the write-ahead log (off the event loop). */
  checkpoints: number;
  /** Commits retried because another connection held the write lock. */
  busyRetries: number;
}

/** CPU and event-loop figures of a server child over a window (since the last reset). */
export interface LoadSample {
  /** CPU time (user + system) used, in ms. */
  cpuMs: number;
  wallMs: number;
  /** Event-loop utilisation, 0..1. */
  elu: number;
  /** Event-loop delay percentiles, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Garbage-collection pauses: total and longest, ms. */
  gcMs: number;
  gcMaxMs: number;
  /** Confer: the update-log writes made by the sync server (time from append to its promise resolving). */
  append?: { calls: number; updates: number; totalMs: number; maxMs: number };
  /** Confer: what the storage itself counted. */
  storage?: StorageSample;
}
