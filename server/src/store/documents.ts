import type { Role } from "@confer/shared";
import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { newId } from "./ids.ts";

/** A document's metadata row. */
export interface DocumentMeta {
  id: string;
  title: string;
  ownerId: string;
  orgId: string;
  createdAt: string;
  updatedAt: string;
}

/** A document as listed for one person, with their role in it. */
export interface DocumentListing extends DocumentMeta {
  ownerName: string;
  role: Role;
}

/** Document metadata and membership. The Yjs state lives in `DocumentStorage`. */
export class DocumentStore {
  constructor(private readonly db: DB) {}

  /** Creates a document owned by `owner`, who becomes its first member. */
  async create(owner: { id: string; orgId: string }, title: string): Promise<DocumentMeta> {
    const ts = now();
    const doc: DocumentMeta = { id: newId(), title, ownerId: owner.id, orgId: owner.orgId, createdAt: ts, updatedAt: ts };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("documents")
        .values({ id: doc.id, title, owner_id: owner.id, org_id: owner.orgId, created_at: ts, updated_at: ts })
        .execute();
      await trx.insertInto("document_members").values({ doc_id: doc.id, user_id: owner.id, role: "owner", created_at: ts }).execute();
    });
    return doc;
  }

  async find(id: string): Promise<DocumentMeta | undefined> {
    const row = await this.db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toMeta(row);
  }

  /** One document with its owner's name and the role `userId` holds in it (undefined if none). */
  async findFor(docId: string, userId: string): Promise<(DocumentMeta & { ownerName: string; role: Role | undefined }) | undefined> {
    const row = await this.db
      .selectFrom("documents as d")
      .innerJoin("users as o", "o.id", "d.owner_id")
      .leftJoin("document_members as m", (j) => j.onRef("m.doc_id", "=", "d.id").on("m.user_id", "=", userId))
      .select(["d.id", "d.title", "d.owner_id", "d.org_id", "d.created_at", "d.updated_at", "m.role", "o.name as owner_name"])
      .where("d.id", "=", docId)
      .executeTakeFirst();
    return row && { ...toMeta(row), ownerName: row.owner_name, role: (row.role ?? undefined) as Role | undefined };
  }

  /** The documents `userId` is a member of, most recently edited first. */
  async listFor(userId: string): Promise<DocumentListing[]> {
    const rows = await this.db
      .selectFrom("document_members as m")
      .innerJoin("documents as d", "d.id", "m.doc_id")
      .innerJoin("users as o", "o.id", "d.owner_id")
      .select(["d.id", "d.title", "d.owner_id", "d.org_id", "d.created_at", "d.updated_at", "m.role", "o.name as owner_name"])
      .where("m.user_id", "=", userId)
      .orderBy("d.updated_at", "desc")
      .orderBy("d.id")
      .execute();
    return rows.map((r) => ({ ...toMeta(r), ownerName: r.owner_name, role: r.role as Role }));
  }

  async rename(id: string, title: string): Promise<void> {
    await this.db.updateTable("documents").set({ title, updated_at: now() }).where("id", "=", id).execute();
  }

  /**
   * Deletes a document with its members, update log and snapshot (its meetings go by cascade).
   * `within` runs first in the same transaction, for rows whose removal must return something.
   */
  async delete(id: string, within?: (trx: DB) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await within?.(trx);
      await trx.deleteFrom("document_members").where("doc_id", "=", id).execute();
      await trx.deleteFrom("doc_updates").where("doc_id", "=", id).execute();
      await trx.deleteFrom("doc_snapshots").where("doc_id", "=", id).execute();
      await trx.deleteFrom("documents").where("id", "=", id).execute();
    });
  }
}

function toMeta(r: { id: string; title: string; owner_id: string; org_id: string; created_at: string; updated_at: string }): DocumentMeta {
  return { id: r.id, title: r.title, ownerId: r.owner_id, orgId: r.org_id, createdAt: r.created_at, updatedAt: r.updated_at };
}
