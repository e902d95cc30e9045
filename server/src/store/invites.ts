import type { Role } from "@confer/shared";
import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { hashToken, newId, newToken } from "./ids.ts";

/** An invite link's stored state (the token itself is never stored). */
export interface InviteRow {
  id: string;
  docId: string;
  role: Role;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
  revokedAt: string | null;
}

/** Invite links: long random tokens, stored as SHA-256 hashes. */
export class InviteStore {
  constructor(private readonly db: DB) {}

  /** Creates a link; the returned token is shown once and cannot be recovered. */
  async create(input: { docId: string; role: Role; createdBy: string; expiresAt: Date; maxUses: number | null }): Promise<{ id: string; token: string }> {
    const id = newId();
    const token = newToken();
    await this.db
      .insertInto("invites")
      .values({
        id,
        doc_id: input.docId,
        token_hash: hashToken(token),
        role: input.role,
        created_by: input.createdBy,
        created_at: now(),
        expires_at: input.expiresAt.toISOString(),
        max_uses: input.maxUses,
        revoked_at: null,
      })
      .execute();
    return { id, token };
  }

  private base() {
    return this.db
      .selectFrom("invites as i")
      .innerJoin("users as u", "u.id", "i.created_by")
      .select([
        "i.id",
        "i.doc_id",
        "i.role",
        "i.created_by",
        "u.name as created_by_name",
        "i.created_at",
        "i.expires_at",
        "i.max_uses",
        "i.uses",
        "i.revoked_at",
      ]);
  }

  async findByToken(token: string): Promise<InviteRow | undefined> {
    const row = await this.base().where("i.token_hash", "=", hashToken(token)).executeTakeFirst();
    return row && toRow(row);
  }

  async find(docId: string, id: string): Promise<InviteRow | undefined> {
    const row = await this.base().where("i.doc_id", "=", docId).where("i.id", "=", id).executeTakeFirst();
    return row && toRow(row);
  }

  /** Links of a document that still work: not revoked, not expired, not used up. */
  async listActive(docId: string): Promise<InviteRow[]> {
    const rows = await this.base()
      .where("i.doc_id", "=", docId)
      .where("i.revoked_at", "is", null)
      .where("i.expires_at", ">", now())
      .where((eb) => eb.or([eb("i.max_uses", "is", null), eb("i.uses", "<", eb.ref("i.max_uses"))]))
      .orderBy("i.created_at", "desc")
      .execute();
    return rows.map(toRow);
  }

  async revoke(id: string): Promise<void> {
    await this.db.updateTable("invites").set({ revoked_at: now() }).where("id", "=", id).where("revoked_at", "is", null).execute();
  }

  /** Revokes every still-working link `userId` made for a document (they were removed from it); returns those links. */
  async revokeCreatedBy(docId: string, userId: string): Promise<{ id: string; role: Role }[]> {
    const rows = await this.db
      .updateTable("invites")
      .set({ revoked_at: now() })
      .where("doc_id", "=", docId)
      .where("created_by", "=", userId)
      .where("revoked_at", "is", null)
      .returning(["id", "role"])
      .execute();
    return rows.map((r) => ({ id: r.id, role: r.role as Role }));
  }

  /**
   * Counts one use if the link is still live (not revoked, not expired, a use left); false otherwise.
   * One conditional UPDATE decides it, so of two people using a link's last use at the same moment
   * exactly one gets it, whatever they checked before.
   */
  async consume(id: string): Promise<boolean> {
    const res = await this.db
      .updateTable("invites")
      .set((eb) => ({ uses: eb("uses", "+", 1) }))
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now())
      .where((eb) => eb.or([eb("max_uses", "is", null), eb("uses", "<", eb.ref("max_uses"))]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}

function toRow(r: {
  id: string;
  doc_id: string;
  role: string;
  created_by: string;
  created_by_name: string;
  created_at: string;
  expires_at: string;
  max_uses: number | null;
  uses: number;
  revoked_at: string | null;
}): InviteRow {
  return {
    id: r.id,
    docId: r.doc_id,
    role: r.role as Role,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    maxUses: r.max_uses,
    uses: r.uses,
    revokedAt: r.revoked_at,
  };
}
