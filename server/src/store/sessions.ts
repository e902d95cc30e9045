import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { hashToken, newToken } from "./ids.ts";

/** Sign-in sessions; the cookie holds a random token, the database only its hash. */
export class SessionStore {
  constructor(
    private readonly db: DB,
    private readonly days: number,
  ) {}

  /** Starts a session and returns the token to put in the cookie. */
  async create(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.days * 86_400_000);
    await this.db
      .insertInto("sessions")
      .values({ id_hash: hashToken(token), user_id: userId, created_at: now(), expires_at: expiresAt.toISOString() })
      .execute();
    return { token, expiresAt };
  }

  /** The user id a live session token belongs to, or undefined. */
  async userIdFor(token: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .select(["user_id", "expires_at"])
      .where("id_hash", "=", hashToken(token))
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at < now()) {
      await this.destroy(token); // seen expired: gone now rather than at the next purge
      return undefined;
    }
    return row.user_id;
  }

  /** Deletes every expired session; returns how many. */
  async purgeExpired(): Promise<number> {
    const res = await this.db.deleteFrom("sessions").where("expires_at", "<", now()).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /**
   * Purges expired sessions every `intervalMs` (the timer does not keep the process alive); returns
   * the function that stops it. `onError` hears about a failed purge; the next one tries again.
   */
  purgeEvery(intervalMs: number, onError: (err: unknown) => void): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.purgeExpired()
        .catch(onError)
        .finally(() => (running = false));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id_hash", "=", hashToken(token)).execute();
  }
}
