import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.ts";
import { ownerState, parseOwner, thisProcess, type ScratchOwner } from "./scratchOwner.ts";

/** How often a process marks its scratch directory as still in use. */
export const HEARTBEAT_MS = 60_000;
/**
 * A scratch directory whose mark is older than this belongs to a process that is gone. Fifteen
 * heartbeats: a busy event loop or a few minutes of clock skew between hosts sharing DATA_DIR
 * never make a live process look dead.
 */
export const STALE_MS = 15 * 60_000;
/**
 * Files from before scratch directories had owners (`recording-<uuid>.ogg` in DATA_DIR/tmp, and
 * `confer-asr-*` in the system's temporary directory) carry no mark: they are removed once untouched
 * this long, far past the longest job (a recording is at most 256 MB) and any rolling upgrade.
 */
export const UNOWNED_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

const MARK = "alive";
const RUN = /^run-\d+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OLD_RECORDING = /^recording-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.ogg$/;
const OLD_ASR = /^confer-asr-[A-Za-z0-9]{6}$/;

/** What a sweep removed. */
export interface SweepResult {
  removed: number;
  bytes: number;
}

/** Where leftovers are looked for, and when; the defaults are the server's. */
export interface SweepOptions {
  /** DATA_DIR/tmp: the run directories of every process sharing DATA_DIR. */
  tmpDir: string;
  /** The system's temporary directory, where older versions made the engine's `confer-asr-*` directories. */
  systemTmpDir?: string;
  /** The run directory of the sweeping process itself: never removed. */
  keep?: string;
  /** The sweeping process (default: this one); the owners of run directories are checked against it. */
  me?: ScratchOwner;
  now?: number;
  staleMs?: number;
  unownedMaxAgeMs?: number;
}

/**
 * Removes what processes that are gone left behind (killed mid-job: kill -9, out of memory): run
 * directories in `tmpDir` whose owner ran on this machine and is gone, or whose mark has not been
 * renewed for `staleMs` (an owner elsewhere), and the unmarked files of older versions once untouched
 * for `unownedMaxAgeMs`. Only Confer's own names are considered; any other entry stays. Safe while
 * other processes share the directory: a live one is either seen alive or renews its mark.
 */
export async function sweepLeftovers(opts: SweepOptions): Promise<SweepResult> {
  const now = opts.now ?? Date.now();
  const staleMs = opts.staleMs ?? STALE_MS;
  const unownedMaxAgeMs = opts.unownedMaxAgeMs ?? UNOWNED_MAX_AGE_MS;
  const me = "me" in opts ? opts.me : thisProcess();
  const result: SweepResult = { removed: 0, bytes: 0 };
  const remove = async (entry: string) => {
    const bytes = await sizeOf(entry);
    await fs.promises.rm(entry, { recursive: true, force: true });
    result.removed++;
    result.bytes += bytes;
  };
  for (const name of await list(opts.tmpDir)) {
    const entry = path.join(opts.tmpDir, name);
    if (opts.keep && path.resolve(entry) === path.resolve(opts.keep)) continue;
    const st = await lstat(entry);
    if (!st) continue;
    if (RUN.test(name) && st.isDirectory()) {
      const mark = path.join(entry, MARK);
      const markSt = await lstat(mark);
      const owner = markSt?.isFile() && markSt.size < 4096 ? parseOwner(await fs.promises.readFile(mark, "utf8").catch(() => "")) : undefined;
      const state = owner ? ownerState(owner, me) : "unknown";
      // Unknown (another host): the mark's age, or the directory's when its owner died before making the mark.
      if (state === "gone" || (state === "unknown" && now - (markSt?.mtimeMs ?? st.mtimeMs) > staleMs)) await remove(entry);
    } else if (OLD_RECORDING.test(name) && st.isFile()) {
      if (now - st.mtimeMs > unownedMaxAgeMs) await remove(entry);
    }
  }
  if (opts.systemTmpDir) {
    for (const name of await list(opts.systemTmpDir)) {
      if (!OLD_ASR.test(name)) continue;
      const entry = path.join(opts.systemTmpDir, name);
      const st = await lstat(entry);
      if (!st?.isDirectory()) continue;
      if (now - (await newestChange(entry)) > unownedMaxAgeMs) await remove(entry);
    }
  }
  return result;
}

/**
 * This process' own scratch directory, `DATA_DIR/tmp/run-<pid>-<uuid>`: recordings downloaded from a
 * bucket and the speech engine's work directories go there. A mark in it names the owner (boot, pid
 * namespace, pid, start time: see scratchOwner.ts) and is renewed every `HEARTBEAT_MS` while the
 * process lives. The next process to start (or to sweep, every heartbeat) removes a dead owner's
 * directory: at once when the owner ran on the same machine and its pid is gone, else once the mark
 * is `STALE_MS` old, since the pids of other hosts or containers sharing DATA_DIR mean nothing here.
 */
export class ScratchSpace {
  /** The directory this process' temporary files go in (created by `start`, and again by each user that needs it). */
  readonly dir: string;
  private readonly tmpDir: string;
  private readonly owner = thisProcess();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<SweepResult> | undefined;

  constructor(
    dataDir: string,
    private readonly log: Logger,
    private readonly opts: { systemTmpDir?: string; heartbeatMs?: number; staleMs?: number } = {},
  ) {
    this.tmpDir = path.join(dataDir, "tmp");
    this.dir = path.join(this.tmpDir, `run-${process.pid}-${randomUUID()}`);
  }

  /** Makes the directory and its mark, sweeps what dead processes left (one log line), and renews the mark from now on. */
  async start(): Promise<SweepResult> {
    this.mark();
    const result = await this.sweep();
    this.log.info(result, "temporary files left by processes that are gone removed");
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.mark();
      void this.sweep().then((r) => {
        if (r.removed) this.log.info(r, "temporary files left by processes that are gone removed");
      });
    }, this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
    return result;
  }

  /** Stops renewing the mark and removes the directory: after `stop` of everything that writes to it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }

  /** One sweep at a time per process; a failure is logged, never thrown. */
  private sweep(): Promise<SweepResult> {
    this.sweeping ??= sweepLeftovers({ tmpDir: this.tmpDir, systemTmpDir: this.opts.systemTmpDir ?? os.tmpdir(), keep: this.dir, me: this.owner, staleMs: this.opts.staleMs })
      .catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message }, "could not sweep temporary files left by processes that are gone");
        return { removed: 0, bytes: 0 };
      })
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Renews the mark, making the directory again if it went (a sweep from a host whose clock is far ahead). */
  private mark(): void {
    const file = path.join(this.dir, MARK);
    try {
      const t = new Date();
      fs.utimesSync(file, t, t);
    } catch {
      try {
        fs.mkdirSync(this.dir, { recursive: true });
        fs.writeFileSync(file, this.owner ? JSON.stringify(this.owner) : "");
      } catch (err) {
        this.log.warn({ err: (err as Error).message, dir: this.dir }, "could not mark the scratch directory");
      }
    }
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function lstat(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.lstat(p);
  } catch {
    return undefined;
  }
}

/** The bytes of the files under `p` (symbolic links not followed; what vanished meanwhile counts nothing). */
async function sizeOf(p: string): Promise<number> {
  const st = await lstat(p);
  if (!st) return 0;
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  let total = 0;
  for (const name of await list(p).catch(() => [])) total += await sizeOf(path.join(p, name));
  return total;
}

/** The latest change to `p` or anything under it: a directory a job still writes into is not old. */
async function newestChange(p: string): Promise<number> {
  const st = await lstat(p);
  if (!st) return 0;
  let newest = st.mtimeMs;
  if (st.isDirectory()) for (const name of await list(p).catch(() => [])) newest = Math.max(newest, await newestChange(path.join(p, name)));
  return newest;
}
