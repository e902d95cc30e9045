import type { Redis } from "ioredis";

/** Who is connected to which documents on this process, read when the presence is written. */
export type LocalPresence = () => Map<string, Set<string>>;

/** A process's entry in a document's presence hash. */
interface Entry {
  /** When the entry was written (ms since the epoch, the writer's clock). */
  at: number;
  users: string[];
}

/** Every entry is written again this often, even unchanged, so the key outlives no writer for long. */
export const REFRESH_EVERY_TICKS = 5;
/** A document's presence hash expires this long after its last write. */
const KEY_TTL_MS = 15_000;
/** An entry of a process known to be gone, older than this, is removed by whoever reads it. */
const STALE_ENTRY_MS = 30_000;

/**
 * Who is connected to a document on any process ("online" in the member list): each process writes
 * the user ids connected to it into a hash per document (`presence:<doc>`, one field per process),
 * changed entries every tick and all of them every few ticks; readers keep the entries of live
 * processes only. Best effort: while Redis is unreachable each process knows only its own.
 */
export class Presence {
  /** What was last written per document, to write only changes. */
  private written = new Map<string, string>();
  private ticks = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly processId: string,
  ) {}

  private key(docId: string): string {
    return `${this.prefix}presence:${docId}`;
  }

  /** Writes this process's entries (on every liveness tick). */
  async write(local: Map<string, Set<string>>): Promise<void> {
    const refresh = this.ticks++ % REFRESH_EVERY_TICKS === 0;
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    const next = new Map<string, string>();
    for (const [docId, users] of local) {
      if (users.size === 0) continue;
      const ids = [...users].sort().join(" ");
      next.set(docId, ids);
      if (!refresh && this.written.get(docId) === ids) continue;
      const entry: Entry = { at: now, users: [...users] };
      pipeline.hset(this.key(docId), this.processId, JSON.stringify(entry)).pexpire(this.key(docId), KEY_TTL_MS);
    }
    for (const docId of this.written.keys()) if (!next.has(docId)) pipeline.hdel(this.key(docId), this.processId);
    if (pipeline.length === 0) return;
    // Written as a whole or not at all: on failure, everything goes again on the next tick.
    const results = await pipeline.exec();
    if (results?.some(([err]) => err)) throw new Error("presence write failed");
    this.written = next;
  }

  /** Forgets what was written (Redis restarted without its data, or this process is closing). */
  reset(): void {
    this.written.clear();
  }

  /** Removes this process's entries (clean shutdown). */
  async clear(): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const docId of this.written.keys()) pipeline.hdel(this.key(docId), this.processId);
    this.written.clear();
    if (pipeline.length) await pipeline.exec();
  }

  /** The user ids connected to `docId` on other live processes. */
  async others(docId: string, alive: (processId: string) => boolean): Promise<Set<string>> {
    const fields = await this.redis.hgetall(this.key(docId));
    const users = new Set<string>();
    const stale: string[] = [];
    for (const [proc, raw] of Object.entries(fields)) {
      if (proc === this.processId) continue;
      const entry = parseEntry(raw);
      if (!entry || !alive(proc)) {
        if (!entry || Date.now() - entry.at > STALE_ENTRY_MS) stale.push(proc);
        continue;
      }
      for (const u of entry.users) users.add(u);
    }
    if (stale.length) await this.redis.hdel(this.key(docId), ...stale).catch(() => undefined);
    return users;
  }
}

function parseEntry(raw: string): Entry | undefined {
  try {
    const v = JSON.parse(raw) as Partial<Entry>;
    if (typeof v.at !== "number" || !Array.isArray(v.users) || !v.users.every((u) => typeof u === "string")) return undefined;
    return { at: v.at, users: v.users };
  } catch {
    return undefined;
  }
}
