import type SQLite from "better-sqlite3";
import type { DB } from "./db.ts";
import { now } from "./db.ts";

/** What is stored of one document's Yjs state: a snapshot and the updates appended since. */
export interface StoredState {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Id of the last log entry read; compaction removes entries up to it. */
  lastId: number;
}

interface PendingAppend {
  docId: string;
  updates: Uint8Array[];
  resolve(lastId: number): void;
  reject(err: unknown): void;
}

/**
 * Durable Yjs state of documents: an append-only update log per document plus a snapshot that
 * compaction folds the log into. The server treats the state as opaque bytes.
 *
 * Appends are group-committed: every append requested in one turn of the event loop, from every
 * document, goes into one transaction (one fsync), through prepared statements on the raw
 * better-sqlite3 handle. This is the server's hot path, and Kysely's per-call statement building
 * and a transaction per update cost more than the fsync (see docs/benchmarks.md). Reads and
 * compaction, which are rare, use Kysely.
 */
export class DocumentStorage {
  private pending: PendingAppend[] = [];
  private scheduled = false;
  private readonly commit: (batch: PendingAppend[]) => number[];

  constructor(
    private readonly db: DB,
    private readonly sqlite: SQLite.Database,
  ) {
    const insert = sqlite.prepare<[string, Buffer]>("INSERT INTO doc_updates (doc_id, data) VALUES (?, ?)");
    const touch = sqlite.prepare<[string, string]>("UPDATE documents SET updated_at = ? WHERE id = ?");
    this.commit = sqlite.transaction((batch: PendingAppend[]) => {
      const ts = now();
      const touched = new Set<string>();
      return batch.map(({ docId, updates }) => {
        let lastId = 0;
        for (const u of updates) lastId = Number(insert.run(docId, toBuffer(u)).lastInsertRowid);
        if (!touched.has(docId)) {
          touched.add(docId);
          touch.run(ts, docId);
        }
        return lastId;
      });
    });
  }

  async load(docId: string): Promise<StoredState> {
    const snap = await this.db.selectFrom("doc_snapshots").select("data").where("doc_id", "=", docId).executeTakeFirst();
    const rows = await this.db.selectFrom("doc_updates").select(["id", "data"]).where("doc_id", "=", docId).orderBy("id").execute();
    return {
      snapshot: snap ? snap.data : null,
      updates: rows.map((r) => r.data),
      lastId: rows.length ? rows[rows.length - 1]!.id : 0,
    };
  }

  /** Appends updates and marks the document as edited; resolves with the last log id once committed. */
  append(docId: string, updates: Uint8Array[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ docId, updates, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    // A Kysely transaction is open (it awaits between statements): commit after it, not inside it.
    if (this.sqlite.inTransaction) return this.schedule();
    const batch = this.pending;
    this.pending = [];
    try {
      const ids = this.commit(batch);
      batch.forEach((p, i) => p.resolve(ids[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /** Replaces the snapshot with `snapshot` and drops the log entries it covers (ids <= upToId). */
  async compact(docId: string, snapshot: Uint8Array, upToId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("doc_snapshots")
        .values({ doc_id: docId, data: toBuffer(snapshot), updated_at: now() })
        .onConflict((oc) => oc.column("doc_id").doUpdateSet({ data: toBuffer(snapshot), updated_at: now() }))
        .execute();
      await trx.deleteFrom("doc_updates").where("doc_id", "=", docId).where("id", "<=", upToId).execute();
    });
    // Give the pages the log used back to the file system, a bounded amount at a time.
    this.sqlite.pragma("incremental_vacuum(4096)");
  }
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
