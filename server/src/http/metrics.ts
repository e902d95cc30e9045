import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The process's Prometheus registry: Confer's own metrics plus prom-client's default process and
 * Node.js metrics. One per process, as Prometheus scrapes a process; servers started in the same
 * process (tests, benchmarks) add up in it.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** What a running server reports at scrape time (see `trackServer`). */
export interface MetricsSource {
  /** Open sync (WebSocket) connections. */
  connections(): number;
  /** Documents held in memory. */
  documentsLoaded(): number;
  /** Minutes jobs waiting to run (queued, including those waiting for a retry). */
  jobsQueued(): Promise<number>;
  /** How far behind this server hears the other processes through Redis, in seconds (absent on one process). */
  redisLagSeconds?(): number;
}

const sources = new Set<MetricsSource>();
const sum = (f: (s: MetricsSource) => number) => [...sources].reduce((n, s) => n + f(s), 0);

/** Commit times are sub-millisecond on SQLite and a round trip or two on PostgreSQL. */
const COMMIT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Confer's metrics, for any part of the server to import and update: counters are `inc`ed where the
 * thing happens, gauges that mirror state are read at scrape time from the tracked servers.
 */
export const metrics = {
  /** Open sync connections (read at scrape time). */
  connections: new Gauge({
    name: "confer_connections",
    help: "Open sync (WebSocket) connections.",
    registers: [registry],
    collect() {
      this.set(sum((s) => s.connections()));
    },
  }),
  /** Documents held in memory (read at scrape time). */
  documentsLoaded: new Gauge({
    name: "confer_documents_loaded",
    help: "Documents held in memory.",
    registers: [registry],
    collect() {
      this.set(sum((s) => s.documentsLoaded()));
    },
  }),
  /** Document updates stored to the update log (`rate()` of it is updates per second). */
  updatesApplied: new Counter({
    name: "confer_updates_applied_total",
    help: "Document updates accepted and stored in the update log.",
    registers: [registry],
  }),
  /** Time one group commit of the document storage took (seconds). */
  storageCommitSeconds: new Histogram({
    name: "confer_storage_commit_duration_seconds",
    help: "Duration of one group commit of the document storage (appends, compactions, deletions).",
    buckets: COMMIT_BUCKETS,
    registers: [registry],
  }),
  /**
   * How far this process's view of the cross-process stream lags behind (seconds): set by the Redis
   * fan-out when REDIS_URL is configured; stays 0 on a single process.
   */
  redisLagSeconds: new Gauge({
    name: "confer_redis_lag_seconds",
    help: "How far this process lags behind the cross-process (Redis) stream, in seconds; 0 without REDIS_URL.",
    registers: [registry],
    collect() {
      this.set(Math.max(0, ...[...sources].map((s) => s.redisLagSeconds?.() ?? 0)));
    },
  }),
  /** Minutes jobs waiting to run (read from the database at scrape time). */
  jobsQueued: new Gauge({
    name: "confer_jobs_queued",
    help: "Minutes jobs waiting to run (queued, including those waiting for a retry).",
    registers: [registry],
    async collect() {
      const counts = await Promise.all([...sources].map((s) => s.jobsQueued()));
      this.set(counts.reduce((n, c) => n + c, 0));
    },
  }),
};

/** Reports a server's state in the process's metrics until the returned function is called. */
export function trackServer(source: MetricsSource): () => void {
  sources.add(source);
  return () => {
    sources.delete(source);
  };
}

/** The metrics in Prometheus's text format, with its content type. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Whether an Authorization header carries `token` as a bearer token (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!m) return false;
  const digest = (s: string) => crypto.createHash("sha256").update(s).digest();
  return crypto.timingSafeEqual(digest(m[1]!.trim()), digest(token));
}

/**
 * `GET /metrics` on the main port. Without a token it answers 404, as if it did not exist (metrics are
 * off, or served on METRICS_PORT only); with one, only requests that carry it get the metrics.
 */
export function metricsRoute(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!token) return next();
    if (!bearerMatches(req.get("authorization"), token)) {
      res.set("WWW-Authenticate", 'Bearer realm="metrics"').status(401).json({ error: { id: "unauthorized", message: "Send METRICS_TOKEN as a bearer token." } });
      return;
    }
    scrape().then(
      ({ contentType, body }) => res.set("Content-Type", contentType).set("Cache-Control", "no-store").send(body),
      (err: unknown) => next(err),
    );
  };
}

/** A listener that serves only `GET /metrics` (METRICS_PORT), for scraping over a private network. */
export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the metrics listener on `host:port`. When `token` is set it is required here too; without
 * it the port is open to whoever can reach it, so bind it to a network only Prometheus is on.
 */
export async function startMetricsListener(host: string, port: number, token: string | undefined): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://metrics");
    if (url.pathname !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found. Metrics are at /metrics.\n");
      return;
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { "Content-Type": "text/plain", "WWW-Authenticate": 'Bearer realm="metrics"' }).end("Send METRICS_TOKEN as a bearer token.\n");
      return;
    }
    scrape().then(
      ({ contentType, body }) => res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store" }).end(req.method === "HEAD" ? undefined : body),
      () => res.writeHead(500, { "Content-Type": "text/plain" }).end("Could not collect the metrics.\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
