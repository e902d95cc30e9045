import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createDoc, signup, startMailServer, startTestServer, TEST_PUBLIC_URL, type TestUser } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startMailServer>>;
let server: Server;
let alice: TestUser; // Acme, owner of the documents below
let carol: TestUser; // Acme colleague (proved an @acme.test address, so she is in Alice's organisation)
let bob: TestUser; // Globex

beforeAll(async () => {
  server = await startMailServer();
  alice = await signup(server.url, { name: "Alice", company: "Acme" });
  carol = await signup(server.url, { name: "Carol", company: "acme " });
  bob = await signup(server.url, { name: "Bob", company: "Globex" });
});
afterAll(() => server.close());

const call = (method: string, path: string, who: TestUser | undefined, body?: unknown) =>
  api(server.url, method, path, { cookie: who?.cookie, body });

function expectError(res: { status: number; json: any }, status: number, id?: string) {
  expect(res.status).toBe(status);
  expect(res.json.error.message).toEqual(expect.any(String));
  if (id) expect(res.json.error.id).toBe(id);
}

async function invite(docId: string, who: TestUser, body: Record<string, unknown>) {
  const res = await call("POST", `/api/docs/${docId}/invites`, who, body);
  expect(res.status).toBe(201);
  return res.json as { id: string; token: string; url: string; role: string; expiresAt: string; maxUses: number | null };
}

const members = async (docId: string, who: TestUser = alice) =>
  (await call("GET", `/api/docs/${docId}/members`, who)).json.members as { userId: string; role: string; external: boolean; company: string }[];

describe("members", () => {
  it("an owner adds a colleague by email, changes the role and removes them; all logged", async () => {
    const docId = await createDoc(server.url, alice, "Plan");
    const added = await call("POST", `/api/docs/${docId}/members`, alice, { email: carol.email, role: "editor" });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ userId: carol.id, role: "editor", external: false, company: "Acme", online: false });
    expect((await call("GET", "/api/docs", carol)).json.docs.map((d: { id: string }) => d.id)).toContain(docId);
    expect((await call("PATCH", `/api/docs/${docId}/members/${carol.id}`, alice, { role: "viewer" })).json.role).toBe("viewer");
    expect((await call("DELETE", `/api/docs/${docId}/members/${carol.id}`, alice)).status).toBe(200);
    expectError(await call("GET", `/api/docs/${docId}`, carol), 404);
    const log = (await call("GET", `/api/docs/${docId}/activity`, alice)).json.entries as { action: string; target: { name: string } | null }[];
    expect(log.map((e) => e.action)).toEqual(["member_removed", "role_changed", "member_added"]);
    expect(log[0]!.target?.name).toBe("Carol");
  });

  it("refuses bad membership changes with a clear 4xx and changes nothing", async () => {
    const docId = await createDoc(server.url, alice, "Guarded");
    await call("POST", `/api/docs/${docId}/members`, alice, { email: carol.email, role: "editor" });
    // Someone from another company cannot be added by email.
    expectError(await call("POST", `/api/docs/${docId}/members`, alice, { email: bob.email, role: "viewer" }), 404, "user_not_found");
    expectError(await call("POST", `/api/docs/${docId}/members`, alice, { email: "nobody@example.com", role: "viewer" }), 404, "user_not_found");
    expectError(await call("POST", `/api/docs/${docId}/members`, alice, { email: carol.email, role: "viewer" }), 409, "already_member");
    expectError(await call("POST", `/api/docs/${docId}/members`, alice, { email: "x@y.io", role: "boss" }), 400);
    // An editor cannot manage members.
    expectError(await call("POST", `/api/docs/${docId}/members`, carol, { email: alice.email, role: "viewer" }), 403, "not_owner");
    expectError(await call("PATCH", `/api/docs/${docId}/members/${alice.id}`, carol, { role: "viewer" }), 403, "not_owner");
    expectError(await call("DELETE", `/api/docs/${docId}/members/${alice.id}`, carol), 403, "not_owner");
    // Not a member at all: the document is hidden.
    expectError(await call("POST", `/api/docs/${docId}/members`, bob, { email: bob.email, role: "owner" }), 404);
    // The last owner stays.
    expectError(await call("PATCH", `/api/docs/${docId}/members/${alice.id}`, alice, { role: "editor" }), 409, "last_owner");
    expectError(await call("DELETE", `/api/docs/${docId}/members/${alice.id}`, alice), 409, "last_owner");
    expect((await members(docId)).map((m) => [m.userId, m.role])).toEqual([
      [alice.id, "owner"],
      [carol.id, "editor"],
    ]);
    // With a second owner, the first may step down.
    await call("PATCH", `/api/docs/${docId}/members/${carol.id}`, alice, { role: "owner" });
    expect((await call("PATCH", `/api/docs/${docId}/members/${alice.id}`, alice, { role: "editor" })).status).toBe(200);
  });

  it("an editor and a viewer cannot see the activity log or links", async () => {
    const docId = await createDoc(server.url, alice);
    await call("POST", `/api/docs/${docId}/members`, alice, { email: carol.email, role: "editor" });
    expectError(await call("GET", `/api/docs/${docId}/activity`, carol), 403);
    expectError(await call("GET", `/api/docs/${docId}/invites`, carol), 403);
    expectError(await call("POST", `/api/docs/${docId}/invites`, carol, { role: "viewer" }), 403);
    await call("PATCH", `/api/docs/${docId}/members/${carol.id}`, alice, { role: "viewer" });
    expectError(await call("GET", `/api/docs/${docId}/activity`, carol), 403);
    expectError(await call("GET", `/api/docs/${docId}/invites`, carol), 403);
    expectError(await call("POST", `/api/docs/${docId}/invites`, carol, { role: "viewer" }), 403);
  });
});

describe("invite links", () => {
  it("a guest from another company signs up through a link and lands in the document as an external member", async () => {
    const docId = await createDoc(server.url, alice, "Q3 <b>plan</b>");
    const link = await invite(docId, alice, { role: "editor", expiresInHours: 48, maxUses: 5 });
    expect(link.url).toBe(`${TEST_PUBLIC_URL}/invite/${link.token}`);
    expect(link.token.length).toBeGreaterThanOrEqual(40);
    const stored = await server.services.db.selectFrom("invites").selectAll().where("id", "=", link.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(link.token);

    const landing = await call("GET", `/api/invites/${link.token}`, undefined);
    expect(landing.json).toMatchObject({ docId, docTitle: "Q3 <b>plan</b>", invitedBy: "Alice", hostCompany: "Acme", role: "editor", alreadyMember: false });

    const accepted = await api(server.url, "POST", `/api/invites/${link.token}/accept`, {
      body: { name: "Gina", email: `gina.${Date.now()}@example.com`, password: "long enough pw", company: "Globex" },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({ docId, role: "editor" });
    const gina = { cookie: (accepted.headers.get("set-cookie") ?? "").split(";")[0]! } as TestUser;
    const list = (await call("GET", "/api/docs", gina)).json.docs;
    expect(list.map((d: { id: string }) => d.id)).toEqual([docId]);
    const gMember = (await members(docId)).find((m) => m.company === "Globex");
    expect(gMember).toMatchObject({ role: "editor", external: true });
    // A signed-in person just joins; a second accept is a no-op.
    const viaBob = await call("POST", `/api/invites/${link.token}/accept`, bob);
    expect(viaBob.json).toEqual({ docId, role: "editor" });
    expect((await call("POST", `/api/invites/${link.token}/accept`, bob)).status).toBe(200);
    const active = (await call("GET", `/api/docs/${docId}/invites`, alice)).json.invites;
    expect(active).toEqual([expect.objectContaining({ id: link.id, uses: 2, maxUses: 5 })]);
    const log = (await call("GET", `/api/docs/${docId}/activity`, alice)).json.entries.map((e: { action: string }) => e.action);
    expect(log).toEqual(["invite_used", "invite_used", "invite_created"]);
  });

  it("refuses unknown, revoked, expired and used-up links, and roles above the inviter's", async () => {
    const docId = await createDoc(server.url, alice);
    expectError(await call("GET", `/api/invites/${"x".repeat(43)}`, undefined), 404);
    expectError(await call("POST", `/api/invites/short/accept`, bob), 404);

    const revoked = await invite(docId, alice, { role: "viewer" });
    expect((await call("DELETE", `/api/docs/${docId}/invites/${revoked.id}`, alice)).status).toBe(200);
    expectError(await call("GET", `/api/invites/${revoked.token}`, undefined), 410, "invite_revoked");
    expectError(await call("POST", `/api/invites/${revoked.token}/accept`, bob), 410, "invite_revoked");

    const once = await invite(docId, alice, { role: "viewer", maxUses: 1 });
    expect((await call("POST", `/api/invites/${once.token}/accept`, bob)).status).toBe(200);
    expectError(await call("POST", `/api/invites/${once.token}/accept`, carol), 410, "invite_used_up");

    const expired = await invite(docId, alice, { role: "viewer", expiresInHours: 1 });
    await server.services.db.updateTable("invites").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", expired.id).execute();
    expectError(await call("GET", `/api/invites/${expired.token}`, undefined), 410, "invite_expired");

    expectError(await call("POST", `/api/docs/${docId}/invites`, alice, { role: "admin" }), 400);
    expectError(await call("POST", `/api/docs/${docId}/invites`, alice, { role: "viewer", expiresInHours: -1 }), 400);
    expectError(await call("POST", `/api/docs/${docId}/invites`, alice, { role: "viewer", maxUses: 0 }), 400);
    expect((await members(docId)).map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
  });

  it("an organisation that forbids external members makes its links refuse guests", async () => {
    const boss = await signup(server.url, { name: "Boss", company: `Initech ${Date.now()}` });
    const colleague = await signup(server.url, { name: "Peter", company: boss.company });
    expect((await call("GET", "/api/org", boss)).json).toMatchObject({ allowExternal: true, isAdmin: true });
    expectError(await call("PATCH", "/api/org", colleague, { allowExternal: false }), 403);
    expect((await call("PATCH", "/api/org", boss, { allowExternal: false })).json.allowExternal).toBe(false);
    const docId = await createDoc(server.url, boss);
    const link = await invite(docId, boss, { role: "viewer" });
    expectError(await call("POST", `/api/invites/${link.token}/accept`, bob), 403, "external_forbidden");
    const guestEmail = `g.${Date.now()}@x.example`;
    const guest = await api(server.url, "POST", `/api/invites/${link.token}/accept`, {
      body: { name: "G", email: guestEmail, password: "long enough pw", company: "Elsewhere" },
    });
    expectError(guest, 403, "external_forbidden");
    expect(await server.services.users.findByEmail(guestEmail)).toBeUndefined();
    // Colleagues still join through the link.
    expect((await call("POST", `/api/invites/${link.token}/accept`, colleague)).status).toBe(200);
  });

  it("a guest cannot pass as a colleague by typing the host's company name, nor by typing an address of its domain", async () => {
    const docId = await createDoc(server.url, alice);
    const link = await invite(docId, alice, { role: "editor" });
    const aliceOrg = (await call("GET", "/api/org", alice)).json.id;
    for (const email of [`ivan.${Date.now()}@globex.example`, `anything.${Date.now()}@acme.test`]) {
      const res = await api(server.url, "POST", `/api/invites/${link.token}/accept`, {
        body: { name: "Ivan", email, password: "long enough pw", company: "ACME" },
      });
      expect(res.status).toBe(200);
      const ivan = { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! } as TestUser;
      const org = (await call("GET", "/api/org", ivan)).json;
      expect(org).toMatchObject({ name: "ACME", isAdmin: true });
      expect(org.id).not.toBe(aliceOrg);
      expect((await call("GET", "/api/me", ivan)).json.emailVerified).toBe(false);
    }
    // Both are in as the guests they are: external.
    expect((await members(docId)).filter((m) => m.external).map((m) => m.company)).toEqual(["ACME", "ACME"]);
  });

  it("rate-limits token guessing per client address; a handful of real links are never limited", async () => {
    const limited = await startTestServer();
    try {
      const owner = await signup(limited.url);
      const docId = await createDoc(limited.url, owner);
      const links = [];
      for (let i = 0; i < 5; i++) {
        const res = await api(limited.url, "POST", `/api/docs/${docId}/invites`, { cookie: owner.cookie, body: { role: "viewer" } });
        links.push(res.json.token as string);
      }
      for (const token of links) expect((await api(limited.url, "GET", `/api/invites/${token}`)).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await api(limited.url, "GET", `/api/invites/${"g".repeat(30)}${i}`)).status);
      expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(75);
      const last = await api(limited.url, "GET", `/api/invites/${"g".repeat(40)}`);
      expect(last.status).toBe(429);
      expect(last.json.error.message).toMatch(/Wait a few minutes/);
    } finally {
      await limited.close();
    }
  });
});
