/**
 * The sync servers the benchmarks compare, plus "relay": a frame relay without Yjs that forwards
 * updates between the clients of a room, the lower bound for any server with the same clients.
 */
export type ServerKind = "confer" | "y-websocket-server" | "hocuspocus" | "relay";

/** Every server compared, in the order tables list them; BENCH_SERVERS=confer,hocuspocus narrows it. */
export const SERVER_KINDS: readonly ServerKind[] = (() => {
  const all: ServerKind[] = ["confer", "y-websocket-server", "hocuspocus"];
  const only = (process.env.BENCH_SERVERS ?? "").split(",").filter(Boolean);
  return only.length ? all.filter((k) => only.includes(k)) : all;
})();

/** Column titles, with the versions under test. */
export const SERVER_TITLES: Record<ServerKind, string> = {
  confer: "Confer",
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
  /** Confer: the update-log writes made by the sync server (each one SQLite transaction). */
  append?: { calls: number; updates: number; totalMs: number; maxMs: number };
}
