import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { newId } from "./ids.ts";
import { lockKeys } from "./locks.ts";

/** A signed-up person, as the rest of the server sees them. */
export interface User {
  id: string;
  name: string;
  email: string;
  orgId: string;
  company: string;
  color: string;
  isOrgAdmin: boolean;
  /** Whether the person proved they receive mail at `email`. Only then is the address theirs. */
  emailVerified: boolean;
}

/**
 * Where a new account goes: into an existing organisation (an admin's invitation), or into the one
 * that owns `domain` (a proven address's), else into a new one named `company` that claims `domain`.
 */
export type Placement = { orgId: string } | { company: string; domain?: string };

/** Why an account could not be created or confirmed; the caller turns it into words. */
export class AccountConflict extends Error {
  constructor(readonly reason: "email_confirmed" | "too_many_unconfirmed" | "org_gone") {
    super(reason);
  }
}

const COLORS = ["#d9480f", "#2b8a3e", "#1971c2", "#9c36b5", "#c2255c", "#0c8599", "#e67700", "#5f3dc4", "#087f5b", "#364fc7"];

/** Accounts and the organisations (companies) they belong to. */
export class UserStore {
  constructor(private readonly db: DB) {}

  /**
   * Creates an account in one transaction with its placement. A confirmed account is refused when
   * the address is already confirmed; an unconfirmed one when `maxUnconfirmed` accounts already
   * use the address (each one costs every sign-in with it a password check).
   */
  async create(input: {
    name: string;
    email: string;
    passwordHash: string;
    verified: boolean;
    placement: Placement;
    maxUnconfirmed: number;
  }): Promise<User> {
    return this.db.transaction().execute(async (trx) => {
      const { email } = input;
      const p = input.placement;
      // Two sign-ups with one address, or founding one domain's organisation, decide one after the other.
      await lockKeys(trx, `email:${email}`, "orgId" in p ? `org:${p.orgId}` : p.domain && `org-domain:${p.domain}`);
      if (input.verified) {
        if (await trx.selectFrom("users").select("id").where("email", "=", email).where("email_verified_at", "is not", null).executeTakeFirst()) {
          throw new AccountConflict("email_confirmed");
        }
      } else {
        const row = await trx
          .selectFrom("users")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("email", "=", email)
          .where("email_verified_at", "is", null)
          .executeTakeFirstOrThrow();
        if (Number(row.n) >= input.maxUnconfirmed) throw new AccountConflict("too_many_unconfirmed");
      }

      let org: { id: string; name: string } | undefined;
      let founder = false;
      const placement = input.placement;
      if ("orgId" in placement) {
        org = await trx.selectFrom("orgs").select(["id", "name"]).where("id", "=", placement.orgId).executeTakeFirst();
        if (!org) throw new AccountConflict("org_gone");
      } else {
        if (placement.domain) {
          org = await trx.selectFrom("orgs").select(["id", "name"]).where("email_domain", "=", placement.domain).executeTakeFirst();
        }
        if (!org) {
          org = { id: newId(), name: placement.company.trim() };
          founder = true;
          await trx
            .insertInto("orgs")
            .values({ ...org, email_domain: placement.domain ?? "", created_at: now() })
            .execute();
        }
      }

      const id = newId();
      const color = COLORS[Math.floor(Math.random() * COLORS.length)] ?? "#1971c2";
      const at = now();
      await trx
        .insertInto("users")
        .values({
          id,
          org_id: org.id,
          name: input.name,
          email,
          password_hash: input.passwordHash,
          color,
          is_org_admin: founder ? 1 : 0,
          created_at: at,
          email_verified_at: input.verified ? at : null,
        })
        .execute();
      return { id, name: input.name, email, orgId: org.id, company: org.name, color, isOrgAdmin: founder, emailVerified: input.verified };
    });
  }

  /** Marks an unconfirmed account's address as proven; refused when another account already proved it. */
  async markVerified(userId: string, email: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockKeys(trx, `email:${email}`);
      const taken = await trx
        .selectFrom("users")
        .select("id")
        .where("email", "=", email)
        .where("email_verified_at", "is not", null)
        .where("id", "!=", userId)
        .executeTakeFirst();
      if (taken) throw new AccountConflict("email_confirmed");
      await trx.updateTable("users").set({ email_verified_at: now() }).where("id", "=", userId).where("email", "=", email).execute();
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
        "users.email_verified_at",
        "users.password_hash",
      ]);
  }

  /**
   * The accounts that sign in with an address, with their password hashes: the confirmed one
   * first, then unconfirmed ones, oldest first; at most `limit`.
   */
  async loginCandidates(email: string, limit: number): Promise<(User & { passwordHash: string })[]> {
    const rows = await this.base()
      .where("users.email", "=", email)
      .orderBy((eb) => eb.case().when("users.email_verified_at", "is not", null).then(0).else(1).end())
      .orderBy("users.created_at")
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...toUser(row), passwordHash: row.password_hash }));
  }

  /** The account that proved this address, if any. Adding people by email reaches only these. */
  async findVerifiedByEmail(email: string): Promise<User | undefined> {
    const row = await this.base().where("users.email", "=", email).where("users.email_verified_at", "is not", null).executeTakeFirst();
    return row && toUser(row);
  }

  /** Some account using this address, confirmed ones first (for tests and tools; never for granting access). */
  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.base()
      .where("users.email", "=", email)
      .orderBy((eb) => eb.case().when("users.email_verified_at", "is not", null).then(0).else(1).end())
      .executeTakeFirst();
    return row && toUser(row);
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.base().where("users.id", "=", id).executeTakeFirst();
    return row && toUser(row);
  }

  /** How many unconfirmed accounts use this address. */
  async countUnconfirmed(email: string): Promise<number> {
    const row = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("email", "=", email)
      .where("email_verified_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Replaces a password hash only if it is still `previous` (a rehash never overwrites a password changed meanwhile). */
  async replacePasswordHash(userId: string, previous: string, next: string): Promise<void> {
    await this.db.updateTable("users").set({ password_hash: next }).where("id", "=", userId).where("password_hash", "=", previous).execute();
  }
}

function toUser(row: {
  id: string;
  name: string;
  email: string;
  orgId: string;
  company: string;
  color: string;
  is_org_admin: number;
  email_verified_at: string | null;
}): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    orgId: row.orgId,
    company: row.company,
    color: row.color,
    isOrgAdmin: row.is_org_admin === 1,
    emailVerified: row.email_verified_at !== null,
  };
}
