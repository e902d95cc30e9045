import path from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/trustProxy.ts";

/** Every setting the server reads, with its default. README.md lists the same table. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((raw, ctx) => {
      const parsed = parseTrustProxy(raw);
      if ("value" in parsed) return parsed.value;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
      return z.NEVER;
    }),
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  UNLOAD_AFTER_MS: z.coerce.number().int().min(0).default(30_000),
  COMPACT_AFTER_UPDATES: z.coerce.number().int().positive().default(1000),
  SESSION_DAYS: z.coerce.number().int().positive().default(30),
});

/** Resolved server settings. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** When set, the only Origin accepted for browser requests; otherwise the request's own host. */
  publicUrl: string | undefined;
  logLevel: string;
  /** Which proxies are believed about the client's address and scheme: none, a hop count, or addresses/subnets. */
  trustProxy: TrustProxy;
  maxMessageBytes: number;
  /** How long a document with nobody connected stays in memory. */
  unloadAfterMs: number;
  /** Compact a document's update log into a snapshot once it has this many entries. */
  compactAfterUpdates: number;
  sessionDays: number;
  /** Directory of the built client; served when it exists. */
  clientDist: string | undefined;
}

/** Reads settings from the environment; throws a readable error for a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid settings:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    unloadAfterMs: e.UNLOAD_AFTER_MS,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    sessionDays: e.SESSION_DAYS,
    clientDist: undefined,
  };
}
