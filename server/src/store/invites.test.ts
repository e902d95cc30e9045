import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "./db.ts";
import { openTestDatabase } from "../../tests/testDatabase.ts";
import { InviteStore } from "./invites.ts";
import { UserStore } from "./users.ts";
import { DocumentStore } from "./documents.ts";

let base: Awaited<ReturnType<typeof openTestDatabase>>;
let others: DB[];
let invites: InviteStore;
let docId: string;
let ownerId: string;

beforeEach(async () => {
  // On the engine under test: SQLite, or PostgreSQL with TEST_DATABASE=postgres.
  base = await openTestDatabase();
  others = [];
  const db = base.db;
  const owner = await new UserStore(db).create({ name: "Olga", email: "olga@acme.io", passwordHash: "x", verified: true, placement: { company: "Acme" }, maxUnconfirmed: 3 });
  ownerId = owner.id;
  docId = (await new DocumentStore(db).create(owner, "Doc")).id;
  invites = new InviteStore(db);
});
afterEach(async () => {
  for (const o of others) await o.destroy();
  await base.close();
});

const link = (maxUses: number | null, expiresInMs = 3_600_000, createdBy = ownerId) =>
  invites.create({ docId, role: "editor", createdBy, expiresAt: new Date(Date.now() + expiresInMs), maxUses });
const uses = async (id: string) => (await invites.find(docId, id))!.uses;

describe("consuming an invite link", () => {
  it("gives out exactly maxUses uses, then refuses", async () => {
    const { id } = await link(2);
    expect(await invites.consume(id)).toBe(true);
    expect(await invites.consume(id)).toBe(true);
    expect(await invites.consume(id)).toBe(false);
    expect(await uses(id)).toBe(2);
  });

  it("two people using a one-use link at once: exactly one gets in", async () => {
    const { id } = await link(1);
    const results = await Promise.all([invites.consume(id), invites.consume(id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await uses(id)).toBe(1);
  });

  it("is atomic across separate database connections too", async () => {
    const { id } = await link(1);
    others = await Promise.all(Array.from({ length: 4 }, () => base.reopen()));
    const stores = [invites, ...others.map((o) => new InviteStore(o))];
    const results = await Promise.all(stores.map((s) => s.consume(id)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await uses(id)).toBe(1);
  });

  it("an unlimited link counts every use", async () => {
    const { id } = await link(null);
    for (let i = 0; i < 5; i++) expect(await invites.consume(id)).toBe(true);
    expect(await uses(id)).toBe(5);
  });

  it("a revoked or expired link gives no use, whatever the caller checked before", async () => {
    const revoked = await link(5);
    await invites.revoke(revoked.id);
    expect(await invites.consume(revoked.id)).toBe(false);
    const expired = await link(5, -1);
    expect(await invites.consume(expired.id)).toBe(false);
    expect(await uses(revoked.id)).toBe(0);
    expect(await uses(expired.id)).toBe(0);
  });
});

describe("revoking a person's links", () => {
  it("revokes every live link they made for that document, and no one else's", async () => {
    const db = base.db;
    const carol = await new UserStore(db).create({ name: "Carol", email: "carol@acme.io", passwordHash: "x", verified: true, placement: { company: "Acme" }, maxUnconfirmed: 3 });
    const otherDoc = (await new DocumentStore(db).create(carol, "Other")).id;
    const carolsA = await link(null, 3_600_000, carol.id);
    const carolsB = await link(3, 3_600_000, carol.id);
    const olgas = await link(null);
    const carolsElsewhere = await invites.create({ docId: otherDoc, role: "viewer", createdBy: carol.id, expiresAt: new Date(Date.now() + 60_000), maxUses: null });

    const revoked = await invites.revokeCreatedBy(docId, carol.id);
    expect(revoked.map((r) => r.id).sort()).toEqual([carolsA.id, carolsB.id].sort());
    expect(revoked.every((r) => r.role === "editor")).toBe(true);
    expect((await invites.listActive(docId)).map((i) => i.id)).toEqual([olgas.id]);
    expect((await invites.listActive(otherDoc)).map((i) => i.id)).toEqual([carolsElsewhere.id]);
    expect(await invites.consume(carolsA.id)).toBe(false);
    expect(await invites.revokeCreatedBy(docId, carol.id)).toEqual([]);
  });
});
