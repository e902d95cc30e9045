import type { DB } from "./db.ts";
import { now } from "./db.ts";
import { hashToken, newToken } from "./ids.ts";

/** One live sign-in session. */
export interface SessionInfo {
  userId: string;
  /** The stored id of the session: the hash of its token. */
  idHash: string;
  expiresAt: Date;
}

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
    return (await this.lookup(token))?.userId;
  }

  /** A live session by its token: whose it is, its stored id (the token's hash) and when it expires. */
  async lookup(token: string): Promise<SessionInfo | undefined> {
    const idHash = hashToken(token);
    const row = await this.db.selectFrom("sessions").select(["user_id", "expires_at"]).where("id_hash", "=", idHash).executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at < now()) {
      await this.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute(); // seen expired: gone now rather than at the next purge
      return undefined;
    }
    return { userId: row.user_id, idHash, expiresAt: new Date(row.expires_at) };
  }

  /** Whether the session with this stored id still exists and has not expired. */
  async isLive(idHash: string): Promise<boolean> {
    const row = await this.db.selectFrom("sessions").select("expires_at").where("id_hash", "=", idHash).executeTakeFirst();
    return !!row && row.expires_at >= now();
  }

  /** Ends a session; returns its stored id (the token's hash), so open connections of it can be closed. */
  async destroy(token: string): Promise<string> {
    const idHash = hashToken(token);
    await this.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    return idHash;
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
}
