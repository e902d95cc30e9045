import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/trustProxy.ts";
import { recordingsS3, recordingsS3Env, type RecordingsS3Settings } from "./minutes/storage/settings.ts";

/** An optional setting: unset or empty means "not set". */
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const serverUrl = (name: string) =>
  z
    .string()
    .url()
    .refine((u) => /^(wss?|https?):\/\//.test(u), `${name} must start with ws://, wss://, http:// or https://`)
    .transform((u) => u.replace(/\/$/, ""));

/** LiveKit settings (README.md: Meetings). */
const livekitEnv = {
  LIVEKIT_URL: optional(serverUrl("LIVEKIT_URL")),
  LIVEKIT_API_KEY: optional(z.string()),
  LIVEKIT_API_SECRET: optional(z.string()),
  LIVEKIT_API_URL: optional(serverUrl("LIVEKIT_API_URL")),
};

/** Recording and minutes settings (README.md: Minutes). */
const minutesEnv = {
  RECORDINGS_DIR: optional(z.string()),
  TRANSCRIBE_URL: optional(z.string().url()),
  TRANSCRIBE_API_KEY: optional(z.string()),
  TRANSCRIBE_MODEL: optional(z.string()),
  LLM_URL: optional(z.string().url()),
  LLM_API_KEY: optional(z.string()),
  LLM_MODEL: optional(z.string()),
  MINUTES_WORKERS: optional(z.coerce.number().int().min(1).max(16)),
  MINUTES_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  MINUTES_RETRY_MS: z.coerce.number().int().min(1).default(5000),
  RECORDING_CHUNK_SECONDS: z.coerce.number().min(1).max(3600).default(120),
  ...recordingsS3Env,
};

/** Metrics settings (README.md: Running several processes). */
const metricsEnv = {
  METRICS_TOKEN: optional(z.string().min(16, "must be at least 16 characters (e.g. openssl rand -hex 32)")),
  METRICS_PORT: optional(z.coerce.number().int().min(0).max(65535)),
};

/** How recordings become minutes; unset engines fall back to the offline ones. */
export interface MinutesSettings {
  /** Where Track Egress writes recordings (a directory the egress service shares), unless `s3` is set. */
  recordingsDir: string;
  /** The bucket Track Egress uploads recordings to instead (RECORDINGS_S3_*). */
  s3: RecordingsS3Settings | undefined;
  /** An OpenAI-compatible transcription endpoint; unset: offline pocketsphinx. */
  transcribe: { url: string; apiKey: string | undefined; model: string } | undefined;
  /** An OpenAI-compatible chat endpoint that writes the summary; unset: offline rules. */
  llm: { url: string; apiKey: string | undefined; model: string } | undefined;
  /** Jobs run at once (transcription is CPU-bound: one per spare core at most). */
  workers: number;
  /** Attempts of a job before it fails for good, and the first wait between them (doubled each time). */
  maxAttempts: number;
  retryMs: number;
  /** While a meeting records, each microphone's recording is cut into parts this long (a new Track Egress each), each transcribed as it ends. */
  chunkSeconds: number;
}

/** Several processes through Redis (README.md: Running several processes). */
const redisEnv = {
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\/\S+$/, "must look like redis://host:6379 or rediss://user:password@host:6380/0")),
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, "letters, digits and _ : . - only").default("confer:"),
};

/** Where and how the server reaches LiveKit; any field may be missing. */
export interface LiveKitSettings {
  /** What browsers connect to (LIVEKIT_URL). */
  url: string | undefined;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  /** Where the server calls LiveKit's API when it differs from `url` (LIVEKIT_API_URL). */
  apiUrl: string | undefined;
}

/** Every setting the server reads, with its default. README.md lists the same table. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // The largest editing trace (automerge-paper, 260k edits) is a 0.3 MB full state: 4 MiB leaves 13x headroom.
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((raw, ctx) => {
      const parsed = parseTrustProxy(raw);
      if ("value" in parsed) return parsed.value;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
      return z.NEVER;
    }),
  UNLOAD_AFTER_MS: z.coerce.number().int().min(0).default(30_000),
  COMPACT_AFTER_UPDATES: z.coerce.number().int().positive().default(1000),
  SESSION_DAYS: z.coerce.number().int().positive().default(30),
  DURABILITY: z.enum(["process", "disk"]).optional(),
  STORAGE_BUSY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  // issue 10: PostgreSQL instead of the SQLite file under DATA_DIR.
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must look like postgres://user:password@host:5432/database")),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must look like smtp://user:password@host:587 or smtps://host:465")
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  SIGNUPS_PER_HOUR: z.coerce.number().int().positive().default(30),
  ...livekitEnv,
  ...minutesEnv,
  ...metricsEnv,
  ...redisEnv,
});

/** One line on each setting, for `settings` (README.md has the longer story). */
const DESCRIPTIONS: Record<string, string> = {
  PORT: "Port of the web app, REST API and sync endpoint (default 3000).",
  HOST: "Address to listen on (default 0.0.0.0).",
  DATA_DIR: "Directory of the SQLite database and recordings (default ./data).",
  PUBLIC_URL: "The address people open (https://docs.example.com): the only Origin accepted, and the base of links in emails.",
  LOG_LEVEL: "fatal, error, warn, info (default), debug, trace or silent.",
  MAX_MESSAGE_BYTES: "Largest sync message accepted from a client, in bytes (default 4 MiB).",
  TRUST_PROXY: "Proxies believed about the client's address and scheme: false (default), a hop count, or addresses/subnets.",
  UNLOAD_AFTER_MS: "How long a document nobody has open stays in memory (default 30000).",
  COMPACT_AFTER_UPDATES: "Fold a document's update log into a snapshot after this many entries (default 1000).",
  SESSION_DAYS: "Days a sign-in lasts (default 30).",
  DURABILITY: "What an acknowledged edit survives: process (a crash of Confer; default on SQLite) or disk (also a power loss; default on PostgreSQL).",
  STORAGE_BUSY_TIMEOUT_MS: "How long edits wait while another program holds the database's write lock (default 5000).",
  SMTP_URL: "Outgoing mail server (smtp://user:password@host:587); needs PUBLIC_URL.",
  MAIL_FROM: "Sender of Confer's emails (default Confer <confer@PUBLIC_URL's host>).",
  SIGNUPS_PER_HOUR: "New accounts one client address may start per hour (default 30).",
  LIVEKIT_URL: "LiveKit server browsers connect to (wss://…); meetings are off until it, the key and the secret are set.",
  LIVEKIT_API_KEY: "LiveKit API key.",
  LIVEKIT_API_SECRET: "LiveKit API secret (also verifies LiveKit's webhooks).",
  LIVEKIT_API_URL: "Where the server calls LiveKit's API, when it differs from LIVEKIT_URL (an internal address).",
  RECORDINGS_DIR: "Where Track Egress writes recordings; a directory Egress and Confer share (default DATA_DIR/recordings).",
  TRANSCRIBE_URL: "OpenAI-compatible transcription endpoint; unset: the offline engine.",
  TRANSCRIBE_API_KEY: "API key of TRANSCRIBE_URL.",
  TRANSCRIBE_MODEL: "Transcription model (default whisper-1).",
  LLM_URL: "OpenAI-compatible chat endpoint that writes the minutes' summary; unset: offline rules.",
  LLM_API_KEY: "API key of LLM_URL.",
  LLM_MODEL: "Chat model (default gpt-4o-mini).",
  MINUTES_WORKERS: "Minutes jobs run at once (default half the cores, at least 1).",
  MINUTES_MAX_ATTEMPTS: "Attempts of a minutes job before it fails for good (default 4).",
  MINUTES_RETRY_MS: "First wait before a failed minutes job is retried, doubled each time (default 5000).",
  RECORDING_CHUNK_SECONDS: "Length of each part of a microphone's recording; every part is transcribed while the meeting goes on (default 120).",
  METRICS_TOKEN: "Bearer token that /metrics requires; without it (and without METRICS_PORT) /metrics is off.",
  METRICS_PORT: "Serve /metrics on this separate port too (on HOST), for a private scrape network.",
  // Described here so that they are listed with words as soon as the schema reads them.
  DATABASE_URL: "postgres://… to store everything in PostgreSQL instead of SQLite under DATA_DIR.",
  REDIS_URL: "redis://… to let several processes serve the same documents (fan-out through Redis).",
  REDIS_PREFIX: "Prefix of Confer's Redis channels and keys (default confer:).",
};

/** A setting the server reads from its environment. */
export interface Setting {
  name: string;
  description: string;
}

/**
 * Every environment variable the server reads, with one line on each: derived from the schema, so a
 * setting added there is listed here (deploy/ examples are checked against this list).
 */
export const settings: readonly Setting[] = Object.entries(Env.shape).map(([name, schema]) => ({
  name,
  description: (schema as z.ZodTypeAny).description ?? DESCRIPTIONS[name] ?? "",
}));

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
  /** What an acknowledged edit survives: a crash of the process ("process"), or also a power loss ("disk"). */
  durability: "process" | "disk";
  /** How long edits wait while another program holds the database's write lock (or PostgreSQL is unreachable) before the document closes. */
  storageBusyTimeoutMs: number;
  /** PostgreSQL connection string; unset: SQLite under `dataDir`. */
  databaseUrl: string | undefined;
  /** Outgoing mail (address confirmations); without it no address is ever proven. */
  smtp: { url: string; from: string } | undefined;
  /** New accounts one client address may start per hour (sign-ups, guest joins, invitation accepts). */
  signupsPerHour: number;
  /** LiveKit for meetings; meetings are off until url, apiKey and apiSecret are all set. */
  livekit: LiveKitSettings;
  minutes: MinutesSettings;
  /** Who may read /metrics: a bearer token on the main port, and/or a separate port. Off when neither is set. */
  metrics: { token: string | undefined; port: number | undefined };
  /** Redis for several processes serving the same documents; unset: one process, no Redis. */
  redis: { url: string; prefix: string } | undefined;
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
  // Links in emails must point at this server whatever Host header a request carried.
  if (e.SMTP_URL && !e.PUBLIC_URL) throw new Error("Invalid settings:\n  SMTP_URL: needs PUBLIC_URL too, so that links in emails point at this server");
  const s3 = recordingsS3(e);
  if (s3.problems.length) throw new Error(`Invalid settings:\n  ${s3.problems.join("\n  ")}`);
  const publicUrl = e.PUBLIC_URL?.replace(/\/$/, "");
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    publicUrl,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    unloadAfterMs: e.UNLOAD_AFTER_MS,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    sessionDays: e.SESSION_DAYS,
    // PostgreSQL flushes each commit unless told otherwise; operators of it expect that by default.
    durability: e.DURABILITY ?? (e.DATABASE_URL ? "disk" : "process"),
    storageBusyTimeoutMs: e.STORAGE_BUSY_TIMEOUT_MS,
    databaseUrl: e.DATABASE_URL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM ?? `Confer <confer@${new URL(publicUrl!).hostname}>` } : undefined,
    signupsPerHour: e.SIGNUPS_PER_HOUR,
    livekit: { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET, apiUrl: e.LIVEKIT_API_URL },
    minutes: {
      recordingsDir: path.resolve(e.RECORDINGS_DIR ?? path.join(e.DATA_DIR, "recordings")),
      s3: s3.settings,
      transcribe: e.TRANSCRIBE_URL ? { url: e.TRANSCRIBE_URL.replace(/\/$/, ""), apiKey: e.TRANSCRIBE_API_KEY, model: e.TRANSCRIBE_MODEL ?? "whisper-1" } : undefined,
      llm: e.LLM_URL ? { url: e.LLM_URL.replace(/\/$/, ""), apiKey: e.LLM_API_KEY, model: e.LLM_MODEL ?? "gpt-4o-mini" } : undefined,
      // Transcription is CPU-bound: by default half the cores (one on 2 cores), leaving the rest to editing.
      workers: e.MINUTES_WORKERS ?? Math.max(1, Math.floor(os.availableParallelism() / 2)),
      maxAttempts: e.MINUTES_MAX_ATTEMPTS,
      retryMs: e.MINUTES_RETRY_MS,
      chunkSeconds: e.RECORDING_CHUNK_SECONDS,
    },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : undefined,
    clientDist: undefined,
  };
}
