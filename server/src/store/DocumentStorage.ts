import type { DB } from "./db.ts";
import { now } from "./db.ts";

/** What is stored of one document's Yjs state: a snapshot and the updates appended since. */
export interface StoredState {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Id of the last log entry read; compaction removes entries up to it. */
  lastId: number;
}

/**
 * Durable Yjs state of documents: an append-only update log per document plus a snapshot that
 * compaction folds the log into. The server treats the state as opaque bytes.
 */
export class DocumentStorage {
  constructor(private readonly db: DB) {}

  async load(docId: string): Promise<StoredState> {
    const snap = await this.db.selectFrom("doc_snapshots").select("data").where("doc_id", "=", docId).executeTakeFirst();
    const rows = await this.db.selectFrom("doc_updates").select(["id", "data"]).where("doc_id", "=", docId).orderBy("id").execute();
    return {
      snapshot: snap ? snap.data : null,
      updates: rows.map((r) => r.data),
      lastId: rows.length ? rows[rows.length - 1]!.id : 0,
    };
  }

  /** Appends updates in one transaction and marks the document as edited; returns the last log id. */
  async append(docId: string, updates: Uint8Array[]): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      let lastId = 0;
      for (let i = 0; i < updates.length; i += 200) {
        const chunk = updates.slice(i, i + 200).map((u) => ({ doc_id: docId, data: toBuffer(u) }));
        const res = await trx.insertInto("doc_updates").values(chunk).returning("id").execute();
        lastId = res[res.length - 1]?.id ?? lastId;
      }
      await trx.updateTable("documents").set({ updated_at: now() }).where("id", "=", docId).execute();
      return lastId;
    });
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
  }
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
