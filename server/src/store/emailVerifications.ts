import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { hashToken, newToken } from "./ids.ts";
import { lockKeys } from "./locks.ts";

/** What a confirmation link, once followed, does: create this account, or confirm `userId`'s address. */
export interface PendingSignup {
  email: string;
  name: string;
  company: string;
  passwordHash: string;
  /** An existing unconfirmed account (same address and password) to confirm instead of creating one. */
  userId: string | null;
}

/** How long a confirmation link works. */
export const VERIFICATION_HOURS = 24;
/** Links kept per address: a newer sign-up retires the oldest, so one address cannot fill the table. */
export const PENDING_PER_EMAIL = 3;

/** Pending address confirmations; the link's token is stored only as its hash. */
export class EmailVerificationStore {
  constructor(private readonly db: DB) {}

  /** Stores a pending sign-up and returns the token for the link (shown once, in the email). */
  async create(pending: PendingSignup): Promise<string> {
    const token = newToken();
    const expiresAt = new Date(Date.now() + VERIFICATION_HOURS * 3_600_000).toISOString();
    await this.db.transaction().execute(async (trx) => {
      await lockKeys(trx, `email:${pending.email}`);
      await trx.deleteFrom("email_verifications").where("expires_at", "<", now()).execute();
      const older = await trx
        .selectFrom("email_verifications")
        .select("token_hash")
        .where("email", "=", pending.email)
        .orderBy("created_at", "desc")
        .offset(PENDING_PER_EMAIL - 1)
        .limit(1000)
        .execute();
      if (older.length > 0) await trx.deleteFrom("email_verifications").where("token_hash", "in", older.map((r) => r.token_hash)).execute();
      await trx
        .insertInto("email_verifications")
        .values({
          token_hash: hashToken(token),
          email: pending.email,
          name: pending.name,
          company: pending.company,
          password_hash: pending.passwordHash,
          user_id: pending.userId,
          created_at: now(),
          expires_at: expiresAt,
        })
        .execute();
    });
    return token;
  }

  /** Takes a pending sign-up out by its token (a link works once); undefined when unknown or expired. */
  async take(token: string): Promise<PendingSignup | undefined> {
    const row = await this.db.deleteFrom("email_verifications").where("token_hash", "=", hashToken(token)).returningAll().executeTakeFirst();
    if (!row || row.expires_at <= now()) return undefined;
    return { email: row.email, name: row.name, company: row.company, passwordHash: row.password_hash, userId: row.user_id };
  }

  /** Forgets every pending link for an address (once it is confirmed, they can only fail). */
  async forget(email: string): Promise<void> {
    await this.db.deleteFrom("email_verifications").where("email", "=", email).execute();
  }
}
