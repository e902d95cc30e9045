import type { DocumentStorage, StoredState } from "../store/DocumentStorage.ts";

/** What a room needs of the document storage. `append` may take seconds or reject. */
export type RoomStorage = Pick<DocumentStorage, "load" | "append" | "compact" | "appendNow">;

/** An update applied to the document and waiting to be stored. */
export interface LoggedUpdate {
  update: Uint8Array;
  /** The connection it came from (not sent back to it), or a server origin. */
  origin: unknown;
  /** The document version it made. */
  version: number;
}

/** How a log reports to its room. */
export interface RoomLogHooks {
  /** Whether the room may still write (it is live or unloading, and still the room of its document). */
  mayWrite(): boolean;
  /** Updates were stored: now they may be broadcast. */
  stored(batch: LoggedUpdate[]): void;
  /** The whole state, for a snapshot. */
  snapshot(): Uint8Array;
  /** A storage call failed; the room must fail. */
  failed(err: unknown): void;
  /**
   * Several processes (a cluster): runs `fold` holding the document's compaction lock; false when
   * it did not run. Without it, compaction runs as it is (this room is the only writer).
   */
  exclusive?(fold: () => Promise<void>): Promise<boolean>;
  /**
   * Several processes: re-reads the stored log and applies it to the document, resolving with the
   * last id read. Other processes append to the same log, so only what was read may be folded.
   */
  catchUp?(): Promise<number>;
}

/**
 * The write-through queue of one room: every update applied to the document is stored (in batches,
 * one at a time, in order) before it is announced, and document versions count what is applied and
 * what is stored, so nothing is served before it is stored. Compaction folds only log entries this
 * room has read or appended itself (ids up to `lastId`); the registry makes sure no other room of the
 * document writes meanwhile.
 */
export class RoomLog {
  /** Version of the document in memory: bumped by every applied update. */
  appliedVersion = 0;
  /** Version up to which every applied update is stored. */
  storedVersion = 0;
  /** Log entries not yet folded into the snapshot. */
  length = 0;
  private lastId = 0;
  private queue: LoggedUpdate[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Storage calls queued or running on `chain`; while there are any, updates wait their turn in it. */
  private tasks = 0;
  private compactQueued = false;
  private flushScheduled = false;
  private stopped = false;
  private waiters: { version: number; resolve: () => void }[] = [];

  constructor(
    private readonly docId: string,
    private readonly storage: RoomStorage,
    private readonly compactAfter: number,
    private readonly hooks: RoomLogHooks,
  ) {}

  /** Starts from what was loaded: those entries are the ones this room has read. */
  loaded(stored: StoredState): void {
    this.length = stored.updates.length;
    this.lastId = stored.lastId;
  }

  /**
   * Stores an applied update: at once when the storage can (`appendNow`) and nothing is waiting
   * before it, else queued for the next batch.
   */
  record(update: Uint8Array, origin: unknown): void {
    if (this.stopped) return;
    const entry = { update, origin, version: ++this.appliedVersion };
    if (this.tasks === 0 && this.storage.appendNow && this.hooks.mayWrite()) {
      let lastId: number | undefined;
      try {
        lastId = this.storage.appendNow(this.docId, [update]);
      } catch (err) {
        this.stopped = true;
        this.hooks.failed(err);
        return;
      }
      if (lastId !== undefined) return this.stored([entry], lastId);
    }
    this.queue.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.enqueue(() => this.flush());
    }
  }

  /** Resolves once every update up to `version` is stored; never, if the room fails first. */
  whenStored(version: number): Promise<void> {
    if (version <= this.storedVersion) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  /** Stores what is queued, then folds the log into a snapshot (unloading). */
  async finish(): Promise<void> {
    this.enqueue(() => this.flush());
    this.enqueue(() => this.compact());
    await this.chain;
  }

  /** Folds the log soon (a long log left by a crash), unless it was folded meanwhile. */
  compactSoon(): void {
    this.enqueue(() => this.compact());
  }

  /** No more storage calls; resolves once the one in flight (if any) has settled. */
  stop(): Promise<void> {
    this.stopped = true;
    this.queue = [];
    this.waiters = [];
    return this.chain;
  }

  private enqueue(task: () => Promise<void>): void {
    this.tasks++;
    this.chain = this.chain
      .then(() => (this.stopped || !this.hooks.mayWrite() ? undefined : task()))
      .catch((err: unknown) => {
        this.stopped = true;
        this.hooks.failed(err);
      })
      .finally(() => this.tasks--);
  }

  /** Writes queued updates in one call, then hands them on for broadcast. */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    const lastId = await this.storage.append(
      this.docId,
      batch.map((p) => p.update),
    );
    // Deleted or failed while the write was in flight: announce nothing.
    if (this.stopped || !this.hooks.mayWrite()) return;
    this.stored(batch, lastId);
  }

  /** `batch` is stored up to log id `lastId`: counts it, wakes who waits for it, hands it on for broadcast. */
  private stored(batch: LoggedUpdate[], lastId: number): void {
    this.lastId = Math.max(this.lastId, lastId);
    this.length += batch.length;
    this.storedVersion = batch[batch.length - 1]!.version;
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.version <= this.storedVersion);
      this.waiters = this.waiters.filter((w) => w.version > this.storedVersion);
      for (const w of ready) w.resolve();
    }
    this.hooks.stored(batch);
    if (this.length >= this.compactAfter && !this.compactQueued) {
      this.compactQueued = true;
      this.enqueue(() => this.compact());
    }
  }

  /** Folds the log entries this room knows (ids up to `lastId`) into one snapshot. */
  private async compact(): Promise<void> {
    this.compactQueued = false;
    if (this.length === 0 || this.stopped || !this.hooks.mayWrite()) return;
    if (!this.hooks.exclusive || !this.hooks.catchUp) {
      await this.storage.compact(this.docId, this.hooks.snapshot(), this.lastId);
      this.length = 0;
      return;
    }
    // Other processes append to this log too: `lastId` may be above entries of theirs this room has
    // not applied yet. Fold only what was just read and applied, one process at a time.
    const catchUp = () => this.hooks.catchUp!();
    await this.hooks.exclusive(async () => {
      const upToId = await catchUp();
      if (this.stopped || !this.hooks.mayWrite()) return;
      await this.storage.compact(this.docId, this.hooks.snapshot(), upToId);
    });
    // Folded here, or by the process holding the lock: count again from here either way. The same
    // when storage skipped this compaction as stale (compact resolved false): a snapshot covering
    // at least `upToId` is stored, so the entries counted here are folded already.
    this.length = 0;
  }
}
