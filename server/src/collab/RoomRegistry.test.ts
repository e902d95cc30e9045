import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CloseCodes } from "@confer/shared";
import { createLogger } from "../logger.ts";
import type { StoredState } from "../store/DocumentStorage.ts";
import type { RoomStorage } from "./RoomLog.ts";
import { RoomRegistry, RoomUnavailable } from "./RoomRegistry.ts";

/** An in-memory document storage whose calls a test can hold and fail. */
class FakeStorage implements RoomStorage {
  rows: { id: number; docId: string; data: Uint8Array }[] = [];
  snapshots = new Map<string, Uint8Array>();
  loads = 0;
  compactions: number[] = [];
  nextId = 1;
  /** While set, calls wait for it. */
  hold: Promise<void> | undefined;
  failAppend: Error | undefined;

  async load(docId: string): Promise<StoredState> {
    this.loads++;
    await this.hold;
    const rows = this.rows.filter((r) => r.docId === docId);
    return { snapshot: this.snapshots.get(docId) ?? null, updates: rows.map((r) => r.data), lastId: rows.at(-1)?.id ?? 0 };
  }
  async append(docId: string, updates: Uint8Array[]): Promise<number> {
    await this.hold;
    if (this.failAppend) throw this.failAppend;
    for (const data of updates) this.rows.push({ id: this.nextId++, docId, data });
    return this.nextId - 1;
  }
  async compact(docId: string, snapshot: Uint8Array, upToId: number): Promise<boolean> {
    this.compactions.push(upToId);
    await this.hold;
    this.snapshots.set(docId, snapshot);
    this.rows = this.rows.filter((r) => r.docId !== docId || r.id > upToId);
    return true;
  }
  text(docId: string): string {
    const doc = new Y.Doc();
    const snap = this.snapshots.get(docId);
    if (snap) Y.applyUpdate(doc, snap);
    for (const r of this.rows) if (r.docId === docId) Y.applyUpdate(doc, r.data);
    return doc.getText("t").toString();
  }
}

function held(): { promise: Promise<void>; release(): void } {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

function setup(unloadAfterMs = 60_000) {
  const storage = new FakeStorage();
  const registry = new RoomRegistry({ storage, log: createLogger("silent"), compactAfterUpdates: 1000, unloadAfterMs });
  return { storage, registry };
}

/** Writes text into a room as a client would (the update goes through the room's write-through log). */
function write(room: { doc: Y.Doc }, text: string): void {
  room.doc.getText("t").insert(room.doc.getText("t").length, text);
}

describe("room registry", () => {
  it("a failed room is torn down whole and a fresh room of the document loads after it", async () => {
    const { storage, registry } = setup();
    const first = await registry.acquire("d");
    write(first, "kept ");
    await settle();
    storage.failAppend = new Error("disk full");
    write(first, "lost");
    await first.gone;
    expect(first.state).toBe("gone");
    expect(registry.get("d")).toBeUndefined();
    storage.failAppend = undefined;
    const second = await registry.acquire("d");
    expect(second).not.toBe(first);
    expect(second.doc.getText("t").toString()).toBe("kept ");
  });

  it("a stale room never removes the current room of its document", async () => {
    const { registry } = setup();
    const first = await registry.acquire("d");
    await first.shutdown(CloseCodes.ShuttingDown);
    const second = await registry.acquire("d");
    registry.remove(first);
    expect(registry.get("d")).toBe(second);
    expect(registry.isCurrent(first)).toBe(false);
  });

  it("a newcomer waits for an unloading room to be gone before the next one loads", async () => {
    const { storage, registry } = setup();
    const first = await registry.acquire("d");
    write(first, "folded on unload");
    await settle();
    const slow = held();
    storage.hold = slow.promise;
    const unloading = first.unload();
    const next = registry.acquire("d");
    await settle();
    expect(first.state).toBe("unloading");
    expect(storage.loads).toBe(1); // the second load has not started
    storage.hold = undefined;
    slow.release();
    await unloading;
    const second = await next;
    expect(second).not.toBe(first);
    expect(storage.loads).toBe(2);
    expect(second.doc.getText("t").toString()).toBe("folded on unload");
  });

  it("an idle room unloads only itself, after its delay", async () => {
    const { storage, registry } = setup(20);
    const first = await registry.acquire("d");
    write(first, "x");
    await first.gone; // nobody joined: it unloads by itself
    expect(storage.compactions.length).toBe(1);
    const second = await registry.acquire("d");
    await new Promise((r) => setTimeout(r, 60));
    // The second room unloaded by its own timer too, and nothing of the first touched it.
    expect(second.state).toBe("gone");
    expect(storage.text("d")).toBe("x");
  });

  it("compaction folds no more than the entries the room has read or written", async () => {
    const { storage, registry } = setup();
    const room = await registry.acquire("d");
    write(room, "mine");
    await settle();
    const known = storage.nextId - 1;
    // An entry this room never read (as a second writer would have made): compaction must keep it.
    const foreign = new Y.Doc();
    foreign.getText("t").insert(0, "theirs ");
    storage.rows.push({ id: storage.nextId++, docId: "d", data: Y.encodeStateAsUpdate(foreign) });
    await room.unload();
    expect(storage.compactions).toEqual([known]);
    expect(storage.rows.filter((r) => r.docId === "d").map((r) => r.id)).toEqual([known + 1]);
  });

  it("deleting drops the room without storing or folding, after the write in flight", async () => {
    const { storage, registry } = setup();
    const room = await registry.acquire("d");
    const slow = held();
    storage.hold = slow.promise;
    write(room, "in flight");
    await settle();
    let removed = false;
    const deleting = registry.delete("d", CloseCodes.NotFound, async () => {
      storage.rows = storage.rows.filter((r) => r.docId !== "d");
      storage.snapshots.delete("d");
      removed = true;
    });
    await expect(registry.acquire("d")).rejects.toBeInstanceOf(RoomUnavailable);
    expect(room.state).toBe("gone");
    await settle();
    expect(removed).toBe(false); // waits for the append in flight
    storage.hold = undefined;
    slow.release();
    await deleting;
    expect(storage.rows.filter((r) => r.docId === "d")).toEqual([]);
    expect(storage.compactions).toEqual([]);
    expect(storage.snapshots.has("d")).toBe(false);
  });
});
