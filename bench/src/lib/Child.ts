import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the bench package; children run with it as their working directory so `tsx` resolves. */
export const BENCH_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every child this process started and has not yet seen exit; killed when the bench exits. */
const live = new Set<ChildProcess>();

/** Kills (SIGKILL) every child this process started that is still running. Safe to call repeatedly. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  live.clear();
}

/** A message from a child that is not a reply: `{ type, ...payload }`. */
export interface ChildEvent {
  type: string;
  [key: string]: unknown;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Options for starting a child. */
export interface ChildOptions {
  env?: Record<string, string>;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/**
 * A TypeScript program run in its own Node process (via `tsx`), spoken to over IPC with
 * request/reply messages that always time out. Use it for servers under test and for
 * clients that must not share a CPU thread with the harness.
 */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events: ChildEvent[] = [];
  private readonly waiters = new Set<{ type: string; resolve: (e: ChildEvent) => void }>();
  readonly exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess, readonly name: string) {
    this.exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.on("message", (raw: unknown) => this.onMessage(raw));
    proc.once("exit", (code, signal) => {
      live.delete(proc);
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`${name} exited (code ${code}, signal ${signal}) before replying`));
      }
      this.pending.clear();
    });
  }

  /** Starts `entry` (a path relative to src/) with `args`. */
  static start(entry: string, args: string[], name: string, opts: ChildOptions = {}): Child {
    const proc = fork(path.join(BENCH_ROOT, "src", entry), args, {
      cwd: BENCH_ROOT,
      execArgv: ["--import", "tsx", "--expose-gc", ...(opts.nodeArgs ?? [])],
      env: { ...process.env, ...opts.env },
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    live.add(proc);
    return new Child(proc, name);
  }

  private onMessage(raw: unknown): void {
    const msg = raw as Partial<Reply> & Partial<ChildEvent>;
    if (typeof msg.id === "number") {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${this.name}: ${msg.error ?? "failed"}`));
      return;
    }
    if (typeof msg.type === "string") {
      const event = msg as ChildEvent;
      for (const w of this.waiters) {
        if (w.type === event.type) {
          this.waiters.delete(w);
          w.resolve(event);
          return;
        }
      }
      this.events.push(event);
    }
  }

  /** Resolves with the next event of `type` (or one already received), rejecting after `timeoutMs`. */
  waitFor(type: string, timeoutMs: number): Promise<ChildEvent> {
    const i = this.events.findIndex((e) => e.type === type);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        type,
        resolve: (e: ChildEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
      void this.exited.then((code) => {
        if (!this.waiters.has(waiter)) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}) while waiting for "${type}"`));
      });
    });
  }

  /** Sends a command and resolves with the child's reply. */
  request<T>(cmd: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: "${cmd}" timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.proc.send({ id, cmd, args });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  /** Asks the child to stop cleanly; kills it if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.request("stop", {}, timeoutMs).catch(() => undefined);
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      console.error(`${this.name} did not stop within ${timeoutMs} ms; killing it`);
      this.kill();
      await this.exited;
    }
  }

  /** Kills the child at once. */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A command handler in a child; its result is sent back to the parent. */
export type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Child side of `Child`: answers `{ id, cmd, args }` requests with the named handler and exits
 * when the parent goes away, so a crashed harness never leaves servers running.
 */
export function serveRequests(handlers: Record<string, Handler>): void {
  process.on("message", (raw: unknown) => {
    const { id, cmd, args } = raw as { id: number; cmd: string; args: Record<string, unknown> };
    const handler = handlers[cmd];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown command ${cmd}`);
        const result = await handler(args ?? {});
        process.send?.({ id, ok: true, result });
      } catch (err) {
        process.send?.({ id, ok: false, error: (err as Error).stack ?? String(err) });
      }
    })();
  });
  process.on("disconnect", () => process.exit(0));
}

/** Sends an unsolicited event to the parent. */
export function emit(type: string, payload: Record<string, unknown> = {}): void {
  process.send?.({ type, ...payload });
}
