import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../tests/testDatabase.ts";
import { SessionStore } from "./sessions.ts";
import { UserStore } from "./users.ts";
import { hashToken, newToken } from "./ids.ts";

let opened: Awaited<ReturnType<typeof openTestDatabase>>;
let sessions: SessionStore;
let userId: string;

beforeEach(async () => {
  // On the engine under test: SQLite, or PostgreSQL with TEST_DATABASE=postgres.
  opened = await openTestDatabase();
  userId = (await new UserStore(opened.db).create({ name: "U", email: "u@acme.io", passwordHash: "x", verified: true, placement: { company: "Acme" }, maxUnconfirmed: 3 })).id;
  sessions = new SessionStore(opened.db, 30);
});
afterEach(async () => {
  await opened.close();
});

/** Stores a session that expired (or expires) `offsetMs` from now; returns its token. */
async function sessionExpiring(offsetMs: number): Promise<string> {
  const token = newToken();
  const at = new Date(Date.now() + offsetMs).toISOString();
  await opened.db.insertInto("sessions").values({ id_hash: hashToken(token), user_id: userId, created_at: at, expires_at: at }).execute();
  return token;
}
const stored = async () => (await opened.db.selectFrom("sessions").select("id_hash").execute()).map((r) => r.id_hash).sort();

describe("expired sessions", () => {
  it("are deleted by a purge; live ones stay", async () => {
    const live = await sessions.create(userId);
    await sessionExpiring(-1000);
    await sessionExpiring(-30 * 86_400_000);
    expect(await sessions.purgeExpired()).toBe(2);
    expect(await stored()).toEqual([hashToken(live.token)]);
    expect(await sessions.userIdFor(live.token)).toBe(userId);
    expect(await sessions.purgeExpired()).toBe(0);
  });

  it("are purged periodically, until stopped", async () => {
    const live = await sessions.create(userId);
    await sessionExpiring(-1000);
    // Collected rather than thrown: a purge still in flight when the database closes after the
    // test (PostgreSQL answers asynchronously) must not count against it.
    const errors: unknown[] = [];
    const stop = sessions.purgeEvery(10, (err) => errors.push(err));
    try {
      await expect.poll(stored, { timeout: 10_000, interval: 20 }).toEqual([hashToken(live.token)]);
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });

  it("an expired token signs nobody in and is deleted on sight", async () => {
    const token = await sessionExpiring(-1);
    expect(await sessions.userIdFor(token)).toBeUndefined();
    expect(await stored()).toEqual([]);
  });
});
