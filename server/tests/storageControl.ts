import * as Y from "yjs";
import type { DocumentStorage } from "../src/store/DocumentStorage.ts";

/** A gate that holds callers until it is opened (then lets them through, or fails them). */
class Gate {
  private waiters: { resolve(): void; reject(err: Error): void }[] = [];
  closed = false;
  /** Calls waiting at the gate now. */
  get waiting(): number {
    return this.waiters.length;
  }
  close(): void {
    this.closed = true;
  }
  pass(): Promise<void> {
    if (!this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
  open(failWith?: Error): void {
    this.closed = false;
    for (const w of this.waiters.splice(0)) {
      if (failWith) w.reject(failWith);
      else w.resolve();
    }
  }
}

/**
 * Wraps a server's document storage in place, so a test decides when loads and appends finish and
 * whether appends fail (as a locked or full disk would make them), and sees every compaction.
 */
export function controlStorage(storage: DocumentStorage) {
  const real = { load: storage.load.bind(storage), append: storage.append.bind(storage), compact: storage.compact.bind(storage), appendNow: storage.appendNow };
  const control = {
    loads: new Gate(),
    appends: new Gate(),
    /** When set, every append fails with this error (after passing the gate). */
    failAppends: undefined as Error | undefined,
    appendCalls: 0,
    compactions: [] as { docId: string; upToId: number }[],
    restore() {
      Object.assign(storage, real);
    },
  };
  // Every write goes through the gated `append`, none straight into the journal.
  storage.appendNow = undefined;
  storage.load = async (docId) => {
    await control.loads.pass();
    return real.load(docId);
  };
  storage.append = async (docId, updates) => {
    control.appendCalls++;
    await control.appends.pass();
    if (control.failAppends) throw control.failAppends;
    return real.append(docId, updates);
  };
  storage.compact = async (docId, snapshot, upToId) => {
    control.compactions.push({ docId, upToId });
    return real.compact(docId, snapshot, upToId);
  };
  return control;
}

/** The text of a document as stored (snapshot plus log), read past the server's memory. */
export async function storedDoc(storage: DocumentStorage, docId: string): Promise<Y.Doc> {
  const stored = await storage.load(docId);
  const doc = new Y.Doc();
  for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(doc, part);
  return doc;
}
