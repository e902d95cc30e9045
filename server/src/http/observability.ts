import express, { type Router } from "express";
import { sql } from "kysely";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { DB } from "../store/db.ts";
import type { DocumentStorage } from "../store/DocumentStorage.ts";
import { countQueuedJobs } from "../store/jobStats.ts";
import type { CollabServer } from "../collab/CollabServer.ts";
import type { LiveKitRooms } from "../meetings/LiveKitRooms.ts";
import { HealthChecks, healthRoute } from "./health.ts";
import { metrics, metricsRoute, startMetricsListener, trackServer, type MetricsListener } from "./metrics.ts";

/** How long the database may take to answer `SELECT 1` before /healthz calls it down. */
const DATABASE_TIMEOUT_MS = 1000;
/** LiveKit is asked at most this often (every probe of every process would otherwise call its API). */
const LIVEKIT_CACHE_MS = 10_000;
const LIVEKIT_TIMEOUT_MS = 3000;

/** What the operator's endpoints read. */
export interface ObservabilityDeps {
  config: Config;
  log: Logger;
  db: DB;
  storage: Pick<DocumentStorage, "onCommit">;
  collab: Pick<CollabServer, "connections" | "loadedDocuments">;
  /** LiveKit's RoomService once meetings are configured and loaded. */
  livekit: () => Pick<LiveKitRooms, "listRooms"> | undefined;
  /** The cross-process fan-out, when REDIS_URL is set. */
  cluster?: { ping(): Promise<void>; lagMs(): number };
}

/** The operator's side of one server: `/healthz`, `/metrics` and the optional metrics port. */
export interface Observability {
  /** Register dependencies here (`health.register("redis", …)`). */
  health: HealthChecks;
  /** `GET /healthz` and `GET /metrics`, for the main app. */
  routes: Router;
  /** Starts the METRICS_PORT listener when configured; resolves with its port. */
  listen(): Promise<number | undefined>;
  /** Stops reporting this server and closes the metrics port. */
  close(): Promise<void>;
}

/**
 * Wires one server into the health checks and the process's metrics: the database is always a
 * required check, LiveKit an optional one when meetings are configured; storage commits feed the
 * commit-latency histogram and the updates counter.
 */
export function observability(deps: ObservabilityDeps): Observability {
  const { config, log, db, storage, collab } = deps;
  const health = new HealthChecks(log.child({ component: "health" }));
  health.register("database", () => sql`SELECT 1`.execute(db), { required: true, timeoutMs: DATABASE_TIMEOUT_MS });
  if (config.livekit.url && config.livekit.apiKey && config.livekit.apiSecret) {
    health.register(
      "livekit",
      async () => {
        const rooms = deps.livekit();
        if (!rooms) throw new Error("LiveKit is not loaded yet");
        await rooms.listRooms();
      },
      { required: false, timeoutMs: LIVEKIT_TIMEOUT_MS, cacheMs: LIVEKIT_CACHE_MS },
    );
  }

  const { cluster } = deps;
  // A process cut off from Redis is out of step with the others: down, so the proxy sends newcomers elsewhere.
  if (cluster) health.register("redis", () => cluster.ping(), { required: true, timeoutMs: DATABASE_TIMEOUT_MS });

  storage.onCommit = ({ ms, updates }) => {
    metrics.storageCommitSeconds.observe(ms / 1000);
    if (updates) metrics.updatesApplied.inc(updates);
  };
  const untrack = trackServer({
    connections: () => collab.connections,
    documentsLoaded: () => collab.loadedDocuments,
    jobsQueued: () => countQueuedJobs(db),
    redisLagSeconds: cluster && (() => cluster.lagMs() / 1000),
  });

  const routes = express.Router();
  routes.get(
    "/healthz",
    healthRoute(health, () => ({ loadedDocuments: collab.loadedDocuments })),
  );
  routes.get("/metrics", metricsRoute(config.metrics.token));

  let listener: MetricsListener | undefined;
  return {
    health,
    routes,
    async listen() {
      if (config.metrics.port === undefined) return undefined;
      listener = await startMetricsListener(config.host, config.metrics.port, config.metrics.token);
      log.info({ port: listener.port }, "metrics are served on their own port");
      return listener.port;
    },
    async close() {
      untrack();
      storage.onCommit = undefined;
      await listener?.close();
    },
  };
}
