import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_ROOT, Child } from "./Child.ts";
import { ConferApi } from "./conferApi.ts";
import { conferDurability, isConfer, type LoadSample, type MemorySample, type ServerKind } from "./serverKinds.ts";
import type { Target } from "./wire.ts";

const tempDirs = new Set<string>();

/** A fresh temporary directory (under BENCH_TMPDIR when set, e.g. /dev/shm to take the disk out), removed by `removeTempDirs`. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_TMPDIR ?? os.tmpdir(), `confer-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Removes every directory `makeTempDir` made. */
export function removeTempDirs(): void {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Options for one server run. */
export interface ServerOptions {
  /** Names the run in logs and profile files. */
  label: string;
  /** Confer: data directory to use (a fresh one when omitted). */
  dataDir?: string;
  /** Confer: UNLOAD_AFTER_MS. */
  unloadAfterMs?: number;
  /** Confer: reuse this session cookie instead of signing up a new user. */
  cookie?: string;
  /** Extra environment for the server process (BENCH_* variables serverChild reads). */
  env?: Record<string, string>;
}

/**
 * One sync server running in a child process, with a signed-in user for Confer. Set
 * BENCH_PROF=confer (or a comma list of kinds, or "all") to write a V8 CPU profile of each
 * matching server to bench/profiles/.
 */
export class ServerUnderTest {
  private constructor(
    readonly kind: ServerKind,
    readonly child: Child,
    readonly target: Target,
    readonly api: ConferApi | undefined,
    readonly dataDir: string | undefined,
  ) {}

  static async start(kind: ServerKind, opts: ServerOptions): Promise<ServerUnderTest> {
    const dataDir = isConfer(kind) ? (opts.dataDir ?? makeTempDir(opts.label)) : undefined;
    const env: Record<string, string> = { ...opts.env };
    if (dataDir) env.BENCH_DATA_DIR = dataDir;
    if (isConfer(kind)) env.BENCH_DURABILITY = conferDurability(kind);
    if (opts.unloadAfterMs !== undefined) env.BENCH_UNLOAD_AFTER_MS = String(opts.unloadAfterMs);
    const prof = (process.env.BENCH_PROF ?? "").split(",");
    // BENCH_NODE_ARGS="--trace-gc" passes Node flags to every server child.
    const nodeArgs: string[] = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
    if (prof.includes(kind) || prof.includes("all")) {
      // One directory per run: Node writes a profile per thread (main, and tsx's loader thread).
      const dir = path.join(BENCH_ROOT, "profiles", `${kind}-${opts.label}-${Date.now()}`);
      fs.mkdirSync(dir, { recursive: true });
      nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${dir}`);
      env.BENCH_PROF_DIR = dir;
    }
    const child = Child.start("servers/serverChild.ts", [kind], `${kind} server (${opts.label})`, { env, nodeArgs });
    try {
      const ready = await child.waitFor("ready", 30_000);
      const port = ready.port as number;
      const api =
        !isConfer(kind) ? undefined : opts.cookie ? ConferApi.withCookie(port, opts.cookie) : await ConferApi.signup(port, opts.label);
      const target: Target = { kind, port, headers: api ? { cookie: api.cookie } : {} };
      return new ServerUnderTest(kind, child, target, api, dataDir);
    } catch (err) {
      child.kill();
      throw err;
    }
  }

  /** Names of `n` new documents (for Confer, created over REST and owned by the bench user). */
  async newDocs(n: number, prefix: string): Promise<string[]> {
    if (this.api) return this.api.createDocs(n, prefix);
    // Same shape and length as Confer's ids, so names cost every server the same bytes on the wire.
    return Array.from({ length: n }, () => crypto.randomBytes(12).toString("base64url"));
  }

  mem(): Promise<MemorySample> {
    return this.child.request<MemorySample>("mem");
  }

  loadedDocs(): Promise<number> {
    return this.child.request<number>("loadedDocs");
  }

  resetLoad(): Promise<unknown> {
    return this.child.request("resetLoad");
  }

  load(): Promise<LoadSample> {
    return this.child.request<LoadSample>("load");
  }

  request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<T> {
    return this.child.request<T>(cmd, args, timeoutMs);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
