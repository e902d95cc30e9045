import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, openPostgres } from "../src/store/db.ts";
import { databaseFor, onPostgres } from "./testDatabase.ts";
import { UserStore } from "../src/store/users.ts";
import { hashToken, newToken } from "../src/store/ids.ts";
import { api, signup, startTestServer, tempDir, type TestUser } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let alice: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  alice = await signup(server.url, { name: "Alice" });
});
afterAll(() => server.close());

const storedHash = async (email: string) =>
  (await server.services.db.selectFrom("users").select("password_hash").where("email", "=", email).executeTakeFirstOrThrow()).password_hash;
const login = (email: string, password: string) => api(server.url, "POST", "/api/auth/login", { body: { email, password } });

describe("password hashes", () => {
  it("a new account's password is hashed with scrypt N=2^17, r=8, p=1", async () => {
    expect(await storedHash(alice.email)).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it("a hash with the old parameters is upgraded at the next successful sign-in, not at a failed one", { timeout: 60_000 }, async () => {
    const salt = crypto.randomBytes(16);
    const key = crypto.scryptSync("correct horse battery", salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const legacy = ["scrypt", 16384, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
    await server.services.db.updateTable("users").set({ password_hash: legacy }).where("id", "=", alice.id).execute();

    expect((await login(alice.email, "wrong password")).status).toBe(401);
    expect(await storedHash(alice.email)).toBe(legacy);

    expect((await login(alice.email, "correct horse battery")).status).toBe(200);
    const upgraded = await storedHash(alice.email);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(upgraded.split("$")[4]).not.toBe(salt.toString("base64url"));
    expect((await login(alice.email, "correct horse battery")).status).toBe(200);
    expect(await storedHash(alice.email)).toBe(upgraded); // already strong: left alone
  });
});

describe("expired sessions", () => {
  it("are purged when the server starts, and an expired cookie signs nobody in", async () => {
    const dir = tempDir();
    // The database the server will start on (the data directory's own on PostgreSQL).
    const { db } = onPostgres ? await openPostgres(await databaseFor(dir)) : await openDatabase(dir);
    const user = await new UserStore(db).create({ name: "Old", email: "old@acme.io", passwordHash: "x", verified: true, placement: { company: "Acme" }, maxUnconfirmed: 3 });
    const token = newToken();
    const past = new Date(Date.now() - 86_400_000).toISOString();
    await db.insertInto("sessions").values({ id_hash: hashToken(token), user_id: user.id, created_at: past, expires_at: past }).execute();
    await db.insertInto("sessions").values({ id_hash: hashToken(newToken()), user_id: user.id, created_at: past, expires_at: new Date(Date.now() + 86_400_000).toISOString() }).execute();
    await db.destroy();

    const restarted = await startTestServer({}, dir);
    try {
      const left = await restarted.services.db.selectFrom("sessions").select("expires_at").execute();
      expect(left).toHaveLength(1);
      expect(left[0]!.expires_at > new Date().toISOString()).toBe(true);
      expect((await api(restarted.url, "GET", "/api/me", { cookie: `confer_sid=${token}` })).status).toBe(401);
    } finally {
      await restarted.close();
    }
  });
});
