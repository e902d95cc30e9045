import { describe, expect, it } from "vitest";
import { RoomLog, type LoggedUpdate, type RoomStorage } from "./RoomLog.ts";

/** A storage that stores at once (as SQLite's edit journal does) unless told to wait, and says what happened in which order. */
function setup(opts: { now?: "store" | "decline" | "throw"; compactAfter?: number } = {}) {
  const events: string[] = [];
  let nextId = 1;
  let release: (() => void) | undefined;
  const storage: RoomStorage = {
    load: async () => ({ snapshot: null, updates: [], lastId: 0 }),
    appendNow: (_docId, updates) => {
      if (opts.now === "throw") throw new Error("disk full");
      if (opts.now === "decline") return undefined;
      events.push(`appendNow ${updates.length}`);
      nextId += updates.length;
      return nextId - 1;
    },
    append: async (_docId, updates) => {
      events.push(`append ${updates.length}`);
      await new Promise<void>((r) => (release = r));
      nextId += updates.length;
      return nextId - 1;
    },
    compact: async (_docId, _snapshot, upToId) => {
      events.push(`compact ${upToId}`);
      return true;
    },
  };
  const failures: unknown[] = [];
  const log = new RoomLog("doc", storage, opts.compactAfter ?? 1000, {
    mayWrite: () => true,
    stored: (batch: LoggedUpdate[]) => events.push(`stored ${batch.map((b) => b.version).join(",")}`),
    snapshot: () => new Uint8Array([0]),
    failed: (err) => failures.push(err),
  });
  const settle = () => new Promise((r) => setImmediate(r));
  return { log, events, failures, settle, release: () => release?.() };
}

const u = new Uint8Array([1]);

describe("RoomLog", () => {
  it("stores an update at once when the storage can, and only then hands it on", () => {
    const { log, events } = setup();
    log.record(u, "a");
    log.record(u, "b");
    expect(events).toEqual(["appendNow 1", "stored 1", "appendNow 1", "stored 2"]);
    expect(log.storedVersion).toBe(2);
  });

  it("hands nothing on when storing fails, and fails the room", () => {
    const { log, events, failures } = setup({ now: "throw" });
    log.record(u, "a");
    expect(events).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(log.storedVersion).toBe(0);
  });

  it("queues behind a write in flight: nothing overtakes it, and the queue is written in order", async () => {
    const { log, events, settle, release } = setup({ now: "decline" });
    log.record(u, "a");
    await settle();
    expect(events).toEqual(["append 1"]);
    log.record(u, "b");
    log.record(u, "c");
    await settle();
    expect(events).toEqual(["append 1"]);
    release();
    await settle();
    release();
    await settle();
    expect(events).toEqual(["append 1", "stored 1", "append 2", "stored 2,3"]);
  });

  it("folds the log once it is long, once", async () => {
    const { log, events, settle, release } = setup({ compactAfter: 3 });
    for (let i = 0; i < 5; i++) log.record(u, "a");
    await settle();
    release();
    await settle();
    // The fold of the first three is queued; the two after it wait their turn behind it.
    expect(events).toEqual(["appendNow 1", "stored 1", "appendNow 1", "stored 2", "appendNow 1", "stored 3", "compact 3", "append 2", "stored 4,5"]);
    expect(log.length).toBe(2);
  });
});
