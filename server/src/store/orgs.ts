import type { DB } from "./db.ts";

/** An organisation (company) and its settings. */
export interface Org {
  id: string;
  name: string;
  allowExternal: boolean;
  /** The email domain of the person who founded it; others join it only from the same domain. */
  emailDomain: string;
}

/** Organisations and their settings. */
export class OrgStore {
  constructor(private readonly db: DB) {}

  async find(id: string): Promise<Org | undefined> {
    const row = await this.db.selectFrom("orgs").select(["id", "name", "allow_external", "email_domain"]).where("id", "=", id).executeTakeFirst();
    return row && toOrg(row);
  }

  /** The organisation a company name belongs to (names match case-insensitively), if any. */
  async findByName(company: string): Promise<Org | undefined> {
    const row = await this.db
      .selectFrom("orgs")
      .select(["id", "name", "allow_external", "email_domain"])
      .where("name_key", "=", orgKey(company))
      .executeTakeFirst();
    return row && toOrg(row);
  }

  async setAllowExternal(id: string, allow: boolean): Promise<void> {
    await this.db.updateTable("orgs").set({ allow_external: allow ? 1 : 0 }).where("id", "=", id).execute();
  }
}

/** The key organisations are matched by: trimmed, lower-case, single spaces. */
export function orgKey(company: string): string {
  return company.trim().toLowerCase().replace(/\s+/g, " ");
}

function toOrg(row: { id: string; name: string; allow_external: number; email_domain: string }): Org {
  return { id: row.id, name: row.name, allowExternal: row.allow_external === 1, emailDomain: row.email_domain };
}

/** The domain part of an email address, lower-case. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}
