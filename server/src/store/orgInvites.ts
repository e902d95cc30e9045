import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { hashToken, newId, newToken } from "./ids.ts";

/** An organisation invitation's stored state (the token itself is never stored). */
export interface OrgInviteRow {
  id: string;
  orgId: string;
  orgName: string;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
  revokedAt: string | null;
}

/** Invitations into an organisation, made by its admins: long random tokens stored as hashes. */
export class OrgInviteStore {
  constructor(private readonly db: DB) {}

  /** Creates an invitation; the returned token is shown once and cannot be recovered. */
  async create(input: { orgId: string; createdBy: string; expiresAt: Date; maxUses: number | null }): Promise<{ id: string; token: string }> {
    const id = newId();
    const token = newToken();
    await this.db
      .insertInto("org_invites")
      .values({
        id,
        org_id: input.orgId,
        token_hash: hashToken(token),
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
      .selectFrom("org_invites as i")
      .innerJoin("users as u", "u.id", "i.created_by")
      .innerJoin("orgs as o", "o.id", "i.org_id")
      .select([
        "i.id",
        "i.org_id",
        "o.name as org_name",
        "i.created_by",
        "u.name as created_by_name",
        "i.created_at",
        "i.expires_at",
        "i.max_uses",
        "i.uses",
        "i.revoked_at",
      ]);
  }

  async findByToken(token: string): Promise<OrgInviteRow | undefined> {
    const row = await this.base().where("i.token_hash", "=", hashToken(token)).executeTakeFirst();
    return row && toRow(row);
  }

  async find(orgId: string, id: string): Promise<OrgInviteRow | undefined> {
    const row = await this.base().where("i.org_id", "=", orgId).where("i.id", "=", id).executeTakeFirst();
    return row && toRow(row);
  }

  /** Invitations of an organisation that still work, newest first. */
  async listActive(orgId: string): Promise<OrgInviteRow[]> {
    const rows = await this.base()
      .where("i.org_id", "=", orgId)
      .where("i.revoked_at", "is", null)
      .where("i.expires_at", ">", now())
      .where((eb) => eb.or([eb("i.max_uses", "is", null), eb("i.uses", "<", eb.ref("i.max_uses"))]))
      .orderBy("i.created_at", "desc")
      .execute();
    return rows.map(toRow);
  }

  async revoke(id: string): Promise<void> {
    await this.db.updateTable("org_invites").set({ revoked_at: now() }).where("id", "=", id).where("revoked_at", "is", null).execute();
  }

  /** Counts one use if the invitation still works; false when it was used up, revoked or expired meanwhile. */
  async consume(id: string): Promise<boolean> {
    const res = await this.db
      .updateTable("org_invites")
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
  org_id: string;
  org_name: string;
  created_by: string;
  created_by_name: string;
  created_at: string;
  expires_at: string;
  max_uses: number | null;
  uses: number;
  revoked_at: string | null;
}): OrgInviteRow {
  return {
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    maxUses: r.max_uses,
    uses: r.uses,
    revokedAt: r.revoked_at,
  };
}
