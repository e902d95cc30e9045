import type { Role } from "@confer/shared";
import type { DB } from "./db.ts";
import { now } from "./db.ts";

/** A member row joined with the person's account and company. */
export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  company: string;
  orgId: string;
  role: Role;
}

/** Who is in which document, with which role. */
export class MemberStore {
  constructor(private readonly db: DB) {}

  /** Members of a document, owners first, then by name. */
  async list(docId: string): Promise<MemberRow[]> {
    const rows = await this.db
      .selectFrom("document_members as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .innerJoin("orgs as o", "o.id", "u.org_id")
      .select(["u.id as userId", "u.name", "u.email", "o.name as company", "u.org_id as orgId", "m.role", "m.created_at"])
      .where("m.doc_id", "=", docId)
      .orderBy("m.created_at")
      .execute();
    const rank = { owner: 0, editor: 1, viewer: 2 } as Record<string, number>;
    return rows
      .map((r) => ({ userId: r.userId, name: r.name, email: r.email, company: r.company, orgId: r.orgId, role: r.role as Role }))
      .sort((a, b) => (rank[a.role] ?? 3) - (rank[b.role] ?? 3));
  }

  async find(docId: string, userId: string): Promise<MemberRow | undefined> {
    return (await this.list(docId)).find((m) => m.userId === userId);
  }

  /** Adds a member; does nothing when they already are one (the caller decides about roles). */
  async add(docId: string, userId: string, role: Role): Promise<void> {
    await this.db
      .insertInto("document_members")
      .values({ doc_id: docId, user_id: userId, role, created_at: now() })
      .onConflict((oc) => oc.columns(["doc_id", "user_id"]).doNothing())
      .execute();
  }

  async setRole(docId: string, userId: string, role: Role): Promise<void> {
    await this.db.updateTable("document_members").set({ role }).where("doc_id", "=", docId).where("user_id", "=", userId).execute();
  }

  async remove(docId: string, userId: string): Promise<void> {
    await this.db.deleteFrom("document_members").where("doc_id", "=", docId).where("user_id", "=", userId).execute();
  }

  async countOwners(docId: string): Promise<number> {
    const row = await this.db
      .selectFrom("document_members")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("doc_id", "=", docId)
      .where("role", "=", "owner")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
