import * as Y from "yjs";
import { SyncType, writeSync } from "./protocol.ts";

/** Distinct state vectors whose answers are kept per document version. */
const MAX_CACHED_DIFFS = 8;
/** How long answers are kept after they were made: long enough for a burst of newcomers, not for an idle document. */
const RETAIN_MS = 2000;
/** State vectors longer than this are answered without caching (a real one names a few clients). */
const MAX_CACHED_VECTOR_BYTES = 1024;

/**
 * Sync answers (`SyncStep2` frames) of one document, shared between every request made at the same
 * document version: 300 newcomers asking at once cost one encoding, and the frame they are sent is
 * one buffer. The whole state (empty state vector) is cached; so are a few diffs by state vector.
 */
export class StateCache {
  /** Encodings made (cache misses), for tests and stats. */
  encodes = 0;
  private version = -1;
  /** The whole state's frame, and where the update starts in it. */
  private full: { frame: Uint8Array; offset: number } | null = null;
  private readonly diffs = new Map<string, Uint8Array>();
  private expiry: NodeJS.Timeout | undefined;

  constructor(private readonly doc: Y.Doc) {}

  /** The `SyncStep2` frame for a client holding `stateVector`, with the document at `version`. Throws for a malformed vector. */
  answer(version: number, stateVector: Uint8Array): Uint8Array {
    if (version !== this.version) this.clear(version);
    if (isEmptyStateVector(stateVector)) return this.whole().frame;
    if (stateVector.length > MAX_CACHED_VECTOR_BYTES) return this.encode(stateVector);
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString("base64");
    let frame = this.diffs.get(key);
    if (!frame) {
      frame = this.encode(stateVector);
      if (this.diffs.size >= MAX_CACHED_DIFFS) this.diffs.delete(this.diffs.keys().next().value!);
      this.diffs.set(key, frame);
    }
    return frame;
  }

  /** The whole state as an update at `version` (for a snapshot), from the cache when it is there. */
  fullState(version: number): Uint8Array {
    if (version !== this.version) this.clear(version);
    const { frame, offset } = this.whole();
    return frame.subarray(offset);
  }

  private whole(): { frame: Uint8Array; offset: number } {
    if (!this.full) {
      this.made();
      const update = Y.encodeStateAsUpdate(this.doc);
      const frame = writeSync(SyncType.Step2, update);
      this.full = { frame, offset: frame.length - update.length };
    }
    return this.full;
  }

  /** Forgets every cached answer. */
  clear(version = -1): void {
    this.version = version;
    this.full = null;
    this.diffs.clear();
    clearTimeout(this.expiry);
    this.expiry = undefined;
  }

  /** Counts an encoding and makes sure the cache is dropped soon, so an idle document does not hold a copy. */
  private made(): void {
    this.encodes++;
    if (this.expiry) return;
    this.expiry = setTimeout(() => this.clear(), RETAIN_MS);
    this.expiry.unref();
  }

  private encode(stateVector?: Uint8Array): Uint8Array {
    this.made();
    return writeSync(SyncType.Step2, Y.encodeStateAsUpdate(this.doc, stateVector));
  }
}

/** A state vector naming no client (`[0]`), as a new or empty client sends. */
function isEmptyStateVector(sv: Uint8Array): boolean {
  return sv.length === 1 && sv[0] === 0;
}
