import type { DB } from "./db.ts";

/** An organisation (company) and its settings. */
export interface Org {
  id: string;
  name: string;
  allowExternal: boolean;
}

/** Organisations and their settings. */
export class OrgStore {
  constructor(private readonly db: DB) {}

  async find(id: string): Promise<Org | undefined> {
    const row = await this.db.selectFrom("orgs").select(["id", "name", "allow_external"]).where("id", "=", id).executeTakeFirst();
    return row && { id: row.id, name: row.name, allowExternal: row.allow_external === 1 };
  }

  /** The id of the organisation a company name belongs to (names match case-insensitively), if any. */
  async findIdByName(company: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("orgs").select("id").where("name_key", "=", orgKey(company)).executeTakeFirst();
    return row?.id;
  }

  async setAllowExternal(id: string, allow: boolean): Promise<void> {
    await this.db.updateTable("orgs").set({ allow_external: allow ? 1 : 0 }).where("id", "=", id).execute();
  }
}

/** The key organisations are matched by: trimmed, lower-case, single spaces. */
export function orgKey(company: string): string {
  return company.trim().toLowerCase().replace(/\s+/g, " ");
}
