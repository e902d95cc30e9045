import type { DB } from "./db.ts";
import { lockKeys } from "./locks.ts";

/** An organisation (company) and its settings. */
export interface Org {
  id: string;
  name: string;
  allowExternal: boolean;
  /** The domain its founder proved: people who confirm an address there join it. '' when none. */
  emailDomain: string;
}

/** Organisations and their settings. The name is only shown; it is never a key. */
export class OrgStore {
  constructor(private readonly db: DB) {}

  async find(id: string): Promise<Org | undefined> {
    const row = await this.db.selectFrom("orgs").select(["id", "name", "allow_external", "email_domain"]).where("id", "=", id).executeTakeFirst();
    return row && toOrg(row);
  }

  async setAllowExternal(id: string, allow: boolean): Promise<void> {
    await this.db.updateTable("orgs").set({ allow_external: allow ? 1 : 0 }).where("id", "=", id).execute();
  }

  /** How many accounts belong to an organisation. */
  async countMembers(id: string): Promise<number> {
    const row = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("org_id", "=", id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Moves the only member of `fromOrgId` into `toOrgId`, taking that organisation's documents along
   * and removing it. Returns false (and changes nothing) when someone else belongs to it too.
   */
  async absorbSoleMember(userId: string, fromOrgId: string, toOrgId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Nobody joins `fromOrgId` (UserStore.create takes the same lock) while we decide it has no one else.
      await lockKeys(trx, `org:${fromOrgId}`);
      const others = await trx.selectFrom("users").select("id").where("org_id", "=", fromOrgId).where("id", "!=", userId).executeTakeFirst();
      if (others) return false;
      await trx.updateTable("users").set({ org_id: toOrgId, is_org_admin: 0 }).where("id", "=", userId).execute();
      await trx.updateTable("documents").set({ org_id: toOrgId }).where("org_id", "=", fromOrgId).execute();
      await trx.deleteFrom("orgs").where("id", "=", fromOrgId).execute();
      return true;
    });
  }
}

function toOrg(row: { id: string; name: string; allow_external: number; email_domain: string }): Org {
  return { id: row.id, name: row.name, allowExternal: row.allow_external === 1, emailDomain: row.email_domain };
}

/** The domain part of an email address, lower-case. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}
