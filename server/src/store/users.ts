import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { newId } from "./ids.ts";
import { emailDomain, orgKey } from "./orgs.ts";

/** A signed-up person, as the rest of the server sees them. */
export interface User {
  id: string;
  name: string;
  email: string;
  orgId: string;
  company: string;
  color: string;
  isOrgAdmin: boolean;
}

const COLORS = ["#d9480f", "#2b8a3e", "#1971c2", "#9c36b5", "#c2255c", "#0c8599", "#e67700", "#5f3dc4", "#087f5b", "#364fc7"];

/** Accounts and the organisations (companies) they belong to. */
export class UserStore {
  constructor(private readonly db: DB) {}

  /** Creates a user, joining the organisation named `company` or founding it (first member is its admin). */
  async create(input: { name: string; email: string; passwordHash: string; company: string }): Promise<User> {
    return this.db.transaction().execute(async (trx) => {
      const key = orgKey(input.company);
      const existing = await trx.selectFrom("orgs").select(["id", "name"]).where("name_key", "=", key).executeTakeFirst();
      const org = existing ?? { id: newId(), name: input.company.trim() };
      const founder = !existing;
      if (founder) {
        await trx.insertInto("orgs").values({ ...org, name_key: key, email_domain: emailDomain(input.email), created_at: now() }).execute();
      }
      const id = newId();
      const color = COLORS[Math.floor(Math.random() * COLORS.length)] ?? "#1971c2";
      await trx
        .insertInto("users")
        .values({
          id,
          org_id: org.id,
          name: input.name,
          email: input.email,
          password_hash: input.passwordHash,
          color,
          is_org_admin: founder ? 1 : 0,
          created_at: now(),
        })
        .execute();
      return { id, name: input.name, email: input.email, orgId: org.id, company: org.name, color, isOrgAdmin: founder };
    });
  }

  private base() {
    return this.db
      .selectFrom("users")
      .innerJoin("orgs", "orgs.id", "users.org_id")
      .select([
        "users.id",
        "users.name",
        "users.email",
        "users.org_id as orgId",
        "orgs.name as company",
        "users.color",
        "users.is_org_admin",
        "users.password_hash",
      ]);
  }

  /** Finds a user with their password hash, for sign-in. */
  async findByEmailWithHash(email: string): Promise<(User & { passwordHash: string }) | undefined> {
    const row = await this.base().where("users.email", "=", email).executeTakeFirst();
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.base().where("users.email", "=", email).executeTakeFirst();
    return row && toUser(row);
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.base().where("users.id", "=", id).executeTakeFirst();
    return row && toUser(row);
  }

  /** Replaces a password hash only if it is still `previous` (a rehash never overwrites a password changed meanwhile). */
  async replacePasswordHash(userId: string, previous: string, next: string): Promise<void> {
    await this.db.updateTable("users").set({ password_hash: next }).where("id", "=", userId).where("password_hash", "=", previous).execute();
  }

  async emailExists(email: string): Promise<boolean> {
    return !!(await this.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst());
  }
}

function toUser(row: { id: string; name: string; email: string; orgId: string; company: string; color: string; is_org_admin: number }): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    orgId: row.orgId,
    company: row.company,
    color: row.color,
    isOrgAdmin: row.is_org_admin === 1,
  };
}
