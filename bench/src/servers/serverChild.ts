// A sync server under test, alone in its own process so its memory and CPU are its own.
// Usage (via Child.start): serverChild.ts <kind>; env BENCH_DATA_DIR, BENCH_UNLOAD_AFTER_MS,
// BENCH_DURABILITY (Confer's DURABILITY); kind confer-pg: BENCH_PG_URL (a PostgreSQL server's
// maintenance database; a fresh database is made for the run and dropped at close). For several
// processes, BENCH_DATABASE_URL and BENCH_REDIS_URL (Confer's DATABASE_URL / REDIS_URL; Hocuspocus:
// its Redis extension, keys under BENCH_REDIS_PREFIX).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import { WebSocketServer } from "ws";
import * as Y from "yjs";
import { emit, serveRequests, type Handler } from "../lib/Child.ts";
import { importConferServer } from "../lib/conferServer.ts";
import { createBenchDatabase } from "../lib/benchDatabase.ts";
import { appendPathRun } from "../benchmarks/appendPathRun.ts";
import { isConfer, type LoadSample, type MemorySample, type ServerKind, type StorageSample } from "../lib/serverKinds.ts";

interface Started {
  port: number;
  loadedDocs: () => number;
  close: () => Promise<void>;
  extra: Record<string, Handler>;
}

const kind = process.argv[2] as ServerKind;
/** Confer only: writes to the update log since the last `resetLoad`. */
const appendStats = { calls: 0, updates: 0, totalMs: 0, maxMs: 0 };
/** Garbage-collection pauses since the last `resetLoad`. */
const gcStats = { totalMs: 0, maxMs: 0 };
/** Confer only: the storage's own counters (cumulative), read at `resetLoad` and `load`. */
let storageStats: StorageSample | undefined;
let storageAtReset: StorageSample | undefined;

async function startConfer(): Promise<Started> {
  const { startServer, loadConfig, createLogger } = await importConferServer();
  const dataDir = process.env.BENCH_DATA_DIR;
  if (!dataDir) throw new Error("BENCH_DATA_DIR is required");
  const database = kind === "confer-pg" || kind === "confer-pg-disk" ? await createBenchDatabase() : undefined;
  const config = loadConfig({
    ...(database ? { DATABASE_URL: database.url } : {}),
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    UNLOAD_AFTER_MS: process.env.BENCH_UNLOAD_AFTER_MS ?? "30000",
    DURABILITY: process.env.BENCH_DURABILITY ?? "process",
    // Meetings (the meetings benchmark points these at a LiveKit double).
    // Several processes on one PostgreSQL and Redis (the multi-process benchmark).
    ...Object.fromEntries(["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "DATABASE_URL", "REDIS_URL", "REDIS_PREFIX"].flatMap((k) => (process.env[`BENCH_${k}`] ? [[k, process.env[`BENCH_${k}`]!]] : []))),
  });
  const server = await startServer({ ...config, clientDist: undefined }, createLogger("silent"));
  const { storage, collab } = server.services;
  storageStats = storage.stats;
  // Time every write the sync server makes (RoomLog → storage.appendNow or storage.append), for the load figures.
  const count = (updates: Uint8Array[], t0: number) => {
    const dt = performance.now() - t0;
    appendStats.calls++;
    appendStats.updates += updates.length;
    appendStats.totalMs += dt;
    appendStats.maxMs = Math.max(appendStats.maxMs, dt);
  };
  const append = storage.append.bind(storage);
  storage.append = async (docId, updates) => {
    const t0 = performance.now();
    try {
      return await append(docId, updates);
    } finally {
      count(updates, t0);
    }
  };
  const appendNow = storage.appendNow?.bind(storage);
  if (appendNow) {
    storage.appendNow = (docId, updates) => {
      const t0 = performance.now();
      const lastId = appendNow(docId, updates);
      if (lastId !== undefined) count(updates, t0);
      return lastId;
    };
  }
  return {
    port: server.port,
    loadedDocs: () => collab.loadedDocuments,
    close: async () => {
      await server.close();
      await database?.drop();
    },
    extra: {
      /** The append path alone, in this process (benchmarks/appendPath.ts). */
      appendPath: (args) => appendPathRun(storage, args as never),
      /** Appends updates to a document's log, as the sync server would. */
      append: async (args) => storage.append(String(args.docId), (args.updates as Uint8Array[]).map((u) => new Uint8Array(u))),
      /** Bytes stored for a document right now: snapshot + log. */
      stored: async (args) => {
        const s = await storage.load(String(args.docId));
        return {
          snapshotBytes: s.snapshot?.byteLength ?? 0,
          logBytes: s.updates.reduce((n, u) => n + u.byteLength, 0),
          logEntries: s.updates.length,
        };
      },
      /**
       * Times what `Room.load` does, without a room: read the log, apply every part in one
       * transaction (as Room.load does since it stopped using Y.mergeUpdates), encode the
       * snapshot and, when asked, compact (which mutates the store).
       */
      timeLoad: async (args) => {
        const docId = String(args.docId);
        const t0 = performance.now();
        const s = await storage.load(docId);
        const t1 = performance.now();
        const parts = s.snapshot ? [s.snapshot, ...s.updates] : s.updates;
        const doc = new Y.Doc();
        Y.transact(doc, () => {
          for (const part of parts) Y.applyUpdate(doc, part);
        });
        const t2 = performance.now();
        const state = Y.encodeStateAsUpdate(doc);
        const t3 = performance.now();
        if (args.compact) await storage.compact(docId, state, s.lastId);
        const t4 = performance.now();
        return {
          entries: s.updates.length,
          logBytes: s.updates.reduce((n, u) => n + u.byteLength, 0),
          loadMs: t1 - t0,
          applyMs: t2 - t1,
          encodeMs: t3 - t2,
          compactMs: args.compact ? t4 - t3 : undefined,
          stateBytes: state.byteLength,
          textLength: doc.getText(String(args.textName ?? "bench")).length,
        };
      },
      /** Size of the SQLite files on disk. */
      dbFiles: () => {
        let bytes = 0;
        for (const f of ["confer.sqlite", "confer.sqlite-wal"]) {
          try {
            bytes += fs.statSync(path.join(dataDir, f)).size;
          } catch {
            /* no WAL right now */
          }
        }
        return bytes;
      },
    },
  };
}

async function startYWebsocketServer(): Promise<Started> {
  const { setupWSConnection, docs } = await import("@y/websocket-server/utils");
  const server = http.createServer((_req, res) => {
    res.writeHead(200);
    res.end("ok");
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    loadedDocs: () => docs.size,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    extra: {},
  };
}

/**
 * Lower bound for the trace replay: answers a client's SyncStep1 with an empty state and forwards
 * every update (and SyncStep2) to the room's other clients, without parsing or storing anything.
 */
async function startRelay(): Promise<Started> {
  const rooms = new Map<string, Set<import("ws").WebSocket>>();
  const server = http.createServer((_req, res) => res.end("ok"));
  const wss = new WebSocketServer({ noServer: true });
  // [messageSync, SyncStep1, empty state vector] and [messageSync, SyncStep2, empty update].
  const step1 = Uint8Array.of(0, 0, 1, 0);
  const emptyStep2 = Uint8Array.of(0, 1, 2, 0, 0);
  server.on("upgrade", (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const name = req.url ?? "/";
      let room = rooms.get(name);
      if (!room) rooms.set(name, (room = new Set()));
      const peers = room;
      peers.add(ws);
      ws.send(step1);
      ws.on("message", (data: Buffer) => {
        if (data[0] !== 0) return; // awareness etc.
        if (data[1] === 0) ws.send(emptyStep2);
        else for (const peer of peers) if (peer !== ws) peer.send(data);
      });
      ws.on("close", () => peers.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    loadedDocs: () => rooms.size,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    extra: {},
  };
}

async function startHocuspocus(): Promise<Started> {
  const { Server } = await import("@hocuspocus/server");
  const extensions = [];
  const redisUrl = process.env.BENCH_REDIS_URL;
  if (redisUrl) {
    // Several processes on one Redis, as Hocuspocus scales out: @hocuspocus/extension-redis.
    const { Redis } = await import("@hocuspocus/extension-redis");
    const url = new URL(redisUrl);
    extensions.push(
      new Redis({
        host: url.hostname,
        port: Number(url.port || 6379),
        // No `db` option: ioredis's ready check on the duplicated subscriber connection then fails
        // ("Connection in subscriber mode"); the key prefix keeps runs apart instead.
        prefix: process.env.BENCH_REDIS_PREFIX ?? "hocuspocus",
      }),
    );
  }
  const server = new Server({ port: 0, address: "127.0.0.1", quiet: true, stopOnSignals: false, extensions });
  await server.listen();
  return {
    port: server.address.port,
    loadedDocs: () => server.hocuspocus.getDocumentsCount(),
    close: () => server.destroy(),
    extra: {},
  };
}

/** The storage counters since the last `resetLoad`. */
function storageDelta(): StorageSample | undefined {
  const now = storageStats && { ...storageStats };
  if (!now) return undefined;
  const at = storageAtReset ?? { commits: 0, commitMs: 0, commitMaxMs: 0, flushes: 0, flushMaxMs: 0, checkpoints: 0, busyRetries: 0 };
  return {
    commits: now.commits - at.commits,
    commitMs: now.commitMs - at.commitMs,
    commitMaxMs: now.commitMaxMs,
    flushes: now.flushes - at.flushes,
    flushMaxMs: now.flushMaxMs,
    checkpoints: now.checkpoints - at.checkpoints,
    busyRetries: now.busyRetries - at.busyRetries,
  };
}

function memory(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function main(): Promise<void> {
  const starters: Record<ServerKind, () => Promise<Started>> = {
    confer: startConfer,
    "confer-disk": startConfer,
    "confer-pg": startConfer,
    "confer-pg-disk": startConfer,
    "y-websocket-server": startYWebsocketServer,
    hocuspocus: startHocuspocus,
    relay: startRelay,
  };
  const started = await starters[kind]();

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcStats.totalMs += e.duration;
      gcStats.maxMs = Math.max(gcStats.maxMs, e.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  let windowStart = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now() };

  serveRequests({
    ...started.extra,
    mem: () => memory(),
    loadedDocs: () => started.loadedDocs(),
    /** Starts a new measuring window for `load`. */
    resetLoad: () => {
      loop.reset();
      Object.assign(appendStats, { calls: 0, updates: 0, totalMs: 0, maxMs: 0 });
      Object.assign(gcStats, { totalMs: 0, maxMs: 0 });
      if (storageStats) {
        // The maxima are the storage's own fields: zero them so they cover this window.
        storageStats.commitMaxMs = 0;
        storageStats.flushMaxMs = 0;
        storageAtReset = { ...storageStats };
      }
      windowStart = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), t: performance.now() };
      return true;
    },
    load: (): LoadSample => {
      // Profiled runs: note the measuring window on the profile's clock (µs), for profileSummary.
      if (process.env.BENCH_PROF_DIR) {
        const end = Number(process.hrtime.bigint() / 1000n);
        const start = end - Math.round((performance.now() - windowStart.t) * 1000);
        fs.appendFileSync(path.join(process.env.BENCH_PROF_DIR, "windows.jsonl"), JSON.stringify({ start, end }) + "\n");
      }
      const cpu = process.cpuUsage(windowStart.cpu);
      const elu = performance.eventLoopUtilization(windowStart.elu);
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - windowStart.t,
        elu: elu.utilization,
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
        gcMs: gcStats.totalMs,
        gcMaxMs: gcStats.maxMs,
        append: isConfer(kind) ? { ...appendStats } : undefined,
        storage: storageDelta(),
      };
    },
    stop: async () => {
      const timer = setTimeout(() => process.exit(1), 10_000);
      await started.close();
      clearTimeout(timer);
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit("ready", { port: started.port });
}

main().catch((err: unknown) => {
  console.error(`[${kind}] failed to start:`, err);
  process.exit(1);
});
