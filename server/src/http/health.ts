import type { RequestHandler } from "express";
import type { Logger } from "../logger.ts";

/** One dependency's state as `/healthz` reports it. */
export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  /** Why it failed, in words safe to show anyone ("timed out", "failed"); details go to the log. */
  error?: string;
}

/** `ok`: every check passed; `degraded`: an optional one failed; `down`: a required one failed (503). */
export type HealthStatus = "ok" | "degraded" | "down";

/** What `/healthz` answers: the overall status plus one entry per registered dependency. */
export type HealthReport = { status: HealthStatus; ok: boolean } & Record<string, CheckResult | HealthStatus | boolean | number>;

/** How a dependency is checked. */
export interface CheckOptions {
  /** Whether the server is down without it (503), or merely degraded. Default true. */
  required?: boolean;
  /** The check fails when it takes longer. Default 1000 ms. */
  timeoutMs?: number;
  /** Reuse a result this long, for checks that cost the dependency something (an API call). Default 0. */
  cacheMs?: number;
}

/** A check resolves (any value) when the dependency answers, and throws when it does not. */
export type Check = () => Promise<unknown>;

/** Names that are fields of the report itself. */
const RESERVED = new Set(["status", "ok", "loadedDocuments"]);

interface Entry {
  check: Check;
  required: boolean;
  timeoutMs: number;
  cacheMs: number;
  last?: { at: number; result: CheckResult };
}

/**
 * The dependencies `/healthz` reports on. Each part of the server registers its own
 * (`health.register("redis", () => redis.ping(), { required: true })`); checks run in parallel, each
 * with its own timeout, on every request.
 */
export class HealthChecks {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly log?: Logger) {}

  /** Adds (or replaces) the check of a dependency; returns a function that removes it. */
  register(name: string, check: Check, opts: CheckOptions = {}): () => void {
    if (RESERVED.has(name)) throw new Error(`"${name}" is a field of the health report; pick another name`);
    const entry: Entry = { check, required: opts.required ?? true, timeoutMs: opts.timeoutMs ?? 1000, cacheMs: opts.cacheMs ?? 0 };
    this.entries.set(name, entry);
    return () => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    };
  }

  /** Names of the registered checks. */
  get names(): string[] {
    return [...this.entries.keys()];
  }

  /** Runs every check and sums them up. */
  async run(): Promise<HealthReport> {
    const results = await Promise.all([...this.entries].map(async ([name, e]) => [name, e, await this.runOne(name, e)] as const));
    let status: HealthStatus = "ok";
    const report: Record<string, CheckResult> = {};
    for (const [name, e, result] of results) {
      report[name] = result;
      if (result.ok) continue;
      if (e.required) status = "down";
      else if (status === "ok") status = "degraded";
    }
    return { status, ok: status !== "down", ...report };
  }

  private async runOne(name: string, e: Entry): Promise<CheckResult> {
    const t0 = performance.now();
    if (e.last && t0 - e.last.at < e.cacheMs) return e.last.result;
    let timer: NodeJS.Timeout | undefined;
    let result: CheckResult;
    try {
      await Promise.race([
        e.check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new CheckTimeout()), e.timeoutMs);
        }),
      ]);
      result = { ok: true, latencyMs: elapsed(t0) };
    } catch (err) {
      const timedOut = err instanceof CheckTimeout;
      this.log?.warn({ check: name, err: timedOut ? `timed out after ${e.timeoutMs} ms` : err }, "health check failed");
      result = { ok: false, latencyMs: elapsed(t0), error: timedOut ? "timed out" : "failed" };
    } finally {
      clearTimeout(timer);
    }
    e.last = { at: t0, result };
    return result;
  }
}

class CheckTimeout extends Error {}

const elapsed = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

/**
 * `GET /healthz`: 200 with the report while the server can serve (status "ok" or "degraded"), 503 when
 * a required dependency is down, so a load balancer takes the process out of rotation. `extra` adds
 * plain fields (loaded documents).
 */
export function healthRoute(health: HealthChecks, extra: () => Record<string, number> = () => ({})): RequestHandler {
  return (_req, res, next) => {
    health.run().then((report) => {
      res.set("Cache-Control", "no-store");
      res.status(report.status === "down" ? 503 : 200).json({ ...report, ...extra() });
    }, next);
  };
}
