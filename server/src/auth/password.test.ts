import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { DUMMY_HASH, hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from "./password.ts";

/** A hash as the old code made them: N=2^14. */
function legacyHash(password: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password, salt, 32, { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ["scrypt", 2 ** 14, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
}

describe("password hashing", () => {
  it("hashes new passwords at OWASP's minimum for scrypt, with the parameters in the hash", { timeout: 60_000 }, async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    // The stand-in for unknown emails costs exactly what a real hash does.
    expect(needsRehash(DUMMY_HASH)).toBe(false);
    expect(DUMMY_HASH.split("$").slice(0, 4)).toEqual(hash.split("$").slice(0, 4));
    expect(await verifyPassword("correct horse", DUMMY_HASH)).toBe(false);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("still verifies hashes made with the old, weaker parameters, and asks for them to be rehashed", async () => {
    const old = legacyHash("correct horse");
    expect(await verifyPassword("correct horse", old)).toBe(true);
    expect(await verifyPassword("wrong", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old.replace("$16384$8$1$", "$131072$4$1$"))).toBe(true);
  });

  it("refuses malformed or absurd stored hashes without throwing or allocating for them", async () => {
    const good = await hashPassword("pw");
    const [, , , , salt, key] = good.split("$");
    for (const bad of [
      "",
      "scrypt",
      "bcrypt$2b$10$abc",
      `scrypt$x$8$1$${salt}$${key}`,
      `scrypt$100000$8$1$${salt}$${key}`, // not a power of two
      `scrypt$${2 ** 30}$8$1$${salt}$${key}`, // 128 GiB
      `scrypt$131072$1000$1$${salt}$${key}`,
      `scrypt$131072$8$0$${salt}$${key}`,
      `scrypt$131072$8$1$${salt}$`,
      `scrypt$131072$8$1$${salt}$${key}$extra`,
    ]) {
      expect(await verifyPassword("pw", bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });

  it("does not block the event loop while hashing or verifying", { timeout: 60_000 }, async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const hash = await hashPassword("correct horse");
      const afterHash = ticks;
      await verifyPassword("correct horse", hash);
      // With the synchronous scrypt neither would let a single timer run.
      expect(afterHash).toBeGreaterThan(0);
      expect(ticks).toBeGreaterThan(afterHash);
    } finally {
      clearInterval(timer);
    }
  });
});
