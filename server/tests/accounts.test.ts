import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createDoc, signup, startTestServer, type TestUser } from "./helpers.ts";

// A server without SMTP: no address can be proven, so none is a key (see AccountService).
type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const body = (email: string, password = "correct horse battery", extra: Record<string, string> = {}) => ({
  name: "Someone",
  email,
  password,
  company: "Globex",
  ...extra,
});
const cookieOf = (res: { headers: Headers }) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;
const unique = (name: string) => `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@globex.test`;

describe("sign-up without email confirmation", () => {
  it("answers the same whether or not the address is in use; the credentials decide which account opens", async () => {
    const email = unique("carol");
    const first = await api(server.url, "POST", "/api/auth/signup", { body: body(email, "first password") });
    const second = await api(server.url, "POST", "/api/auth/signup", { body: body(email, "second password", { name: "Not Carol" }) });
    for (const res of [first, second]) {
      expect(res.status).toBe(201);
      expect(Object.keys(res.json).sort()).toEqual(["color", "company", "email", "emailVerified", "id", "name", "orgId"]);
      expect(res.json.emailVerified).toBe(false);
      expect(cookieOf(res)).toMatch(/^confer_sid=/);
    }
    expect(second.json.id).not.toBe(first.json.id);
    expect(second.json.orgId).not.toBe(first.json.orgId);
    // Signing up again with the first credentials is signing in to that account, not a third one.
    const again = await api(server.url, "POST", "/api/auth/signup", { body: body(email, "first password") });
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    // Each password opens its own account.
    expect((await api(server.url, "POST", "/api/auth/login", { body: { email, password: "first password" } })).json.id).toBe(first.json.id);
    expect((await api(server.url, "POST", "/api/auth/login", { body: { email, password: "second password" } })).json.id).toBe(second.json.id);
    expect((await api(server.url, "POST", "/api/auth/login", { body: { email, password: "third password" } })).status).toBe(401);
  });

  it("a company name is only a label: two people typing Globex get two organisations, each their own admin", async () => {
    const a = await signup(server.url, { company: "Globex" });
    const b = await signup(server.url, { company: "globex" });
    const orgA = (await api(server.url, "GET", "/api/org", { cookie: a.cookie })).json;
    const orgB = (await api(server.url, "GET", "/api/org", { cookie: b.cookie })).json;
    expect(orgA).toMatchObject({ name: "Globex", isAdmin: true, domain: null });
    expect(orgB).toMatchObject({ name: "globex", isAdmin: true, domain: null });
    expect(orgA.id).not.toBe(orgB.id);
  });

  it("a typed address reaches nobody: an owner adding it by email gets no one, even a colleague", async () => {
    const owner = await signup(server.url, { company: "Initech" });
    const impostor = await signup(server.url, { name: "Carol", company: "Initech", email: `carol.${Date.now()}@initech.test` });
    const docId = await createDoc(server.url, owner);
    const add = await api(server.url, "POST", `/api/docs/${docId}/members`, { cookie: owner.cookie, body: { email: impostor.email, role: "editor" } });
    expect(add.status).toBe(404);
    expect(add.json.error.id).toBe("user_not_found");
    // Even brought into the owner's organisation by an invitation, the address is still unproven.
    const inv = await api(server.url, "POST", "/api/org/invites", { cookie: owner.cookie, body: {} });
    const colleagueEmail = `carol2.${Date.now()}@initech.test`;
    const colleague = await api(server.url, "POST", `/api/org-invites/${inv.json.token}/accept`, {
      body: { name: "Carol", email: colleagueEmail, password: "long enough pw" },
    });
    expect(colleague.status).toBe(200);
    expect((await api(server.url, "GET", "/api/me", { cookie: cookieOf(colleague) })).json).toMatchObject({ orgId: owner.id && colleague.json.orgId, emailVerified: false });
    const again = await api(server.url, "POST", `/api/docs/${docId}/members`, { cookie: owner.cookie, body: { email: colleagueEmail, role: "editor" } });
    expect(again.status).toBe(404);
    expect((await api(server.url, "GET", `/api/docs/${docId}/members`, { cookie: owner.cookie })).json.members).toHaveLength(1);
  });
});

describe("races end in clear answers", () => {
  it("four simultaneous sign-ups with one address and password make one account, all answered 201", async () => {
    const email = unique("race");
    const answers = await Promise.all(Array.from({ length: 4 }, () => api(server.url, "POST", "/api/auth/signup", { body: body(email) })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(await server.services.users.countUnconfirmed(email)).toBe(1);
  });

  it("four simultaneous sign-ups with one address and four passwords make at most three accounts; the fourth is a 409", async () => {
    const email = unique("crowd");
    const answers = await Promise.all([1, 2, 3, 4].map((n) => api(server.url, "POST", "/api/auth/signup", { body: body(email, `password number ${n}`) })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409]);
    expect(answers.find((a) => a.status === 409)!.json.error.id).toBe("too_many_unconfirmed");
    expect(await server.services.users.countUnconfirmed(email)).toBe(3);
  });

  it("six guests racing for a one-use link: one gets in, five are told it is used up, one account exists", async () => {
    const owner = await signup(server.url);
    const docId = await createDoc(server.url, owner);
    const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: owner.cookie, body: { role: "viewer", maxUses: 1 } });
    const emails = Array.from({ length: 6 }, (_, i) => unique(`guest${i}`));
    const answers = await Promise.all(
      emails.map((email) => api(server.url, "POST", `/api/invites/${link.json.token}/accept`, { body: body(email, "long enough pw") })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410, 410, 410, 410]);
    for (const a of answers.filter((x) => x.status === 410)) expect(a.json.error.id).toBe("invite_used_up");
    const accounts = await Promise.all(emails.map((e) => server.services.users.countUnconfirmed(e)));
    expect(accounts.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await api(server.url, "GET", `/api/docs/${docId}/members`, { cookie: owner.cookie })).json.members).toHaveLength(2);
  });

  it("the same guest accepting twice at once joins once", async () => {
    const owner = await signup(server.url);
    const docId = await createDoc(server.url, owner);
    const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: owner.cookie, body: { role: "editor", maxUses: 5 } });
    const email = unique("twice");
    const answers = await Promise.all([1, 2].map(() => api(server.url, "POST", `/api/invites/${link.json.token}/accept`, { body: body(email, "long enough pw") })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await server.services.users.countUnconfirmed(email)).toBe(1);
    const uses = (await api(server.url, "GET", `/api/docs/${docId}/invites`, { cookie: owner.cookie })).json.invites[0].uses;
    expect(uses).toBe(1);
  });
});

describe("rate limits", () => {
  let limited: Server;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    limited = await startTestServer();
    alice = await signup(limited.url, { name: "Alice" });
    bob = await signup(limited.url, { name: "Bob" });
  });
  afterAll(() => limited.close());

  it("a client address may start 30 accounts an hour, counting every attempt", async () => {
    // Two real sign-ups happened in beforeAll; failed attempts count too.
    for (let i = 0; i < 28; i++) {
      const res = await api(limited.url, "POST", "/api/auth/signup", { body: body(unique(`n${i}`), "short") });
      expect(res.status).toBe(400);
    }
    const over = await api(limited.url, "POST", "/api/auth/signup", { body: body(unique("over")) });
    expect(over.status).toBe(429);
    expect(over.json.error.message).toMatch(/Too many new accounts/);
    const guest = await api(limited.url, "POST", `/api/invites/${"x".repeat(43)}/accept`, { body: body(unique("g")) });
    expect(guest.status).toBe(429);
  });

  it("sign-ins are throttled per account, from anywhere: ten failures lock that account, not others", async () => {
    for (let i = 0; i < 9; i++) {
      expect((await api(limited.url, "POST", "/api/auth/login", { body: { email: alice.email, password: "" } })).status).toBe(400);
    }
    expect((await api(limited.url, "POST", "/api/auth/login", { body: { email: alice.email.toUpperCase(), password: "wrong password" } })).status).toBe(401);
    const locked = await api(limited.url, "POST", "/api/auth/login", { body: { email: alice.email, password: "correct horse battery" } });
    expect(locked.status).toBe(429);
    expect(locked.json.error.message).toMatch(/for this account/);
    expect((await api(limited.url, "POST", "/api/auth/login", { body: { email: bob.email, password: "correct horse battery" } })).status).toBe(200);
  });

  it("sign-ins are throttled per client address: twenty failures on any accounts stop that client", async () => {
    // Eleven failures are already counted for this client (the test above: nine malformed, one wrong
    // password, one refused while locked); nine more on other accounts make twenty.
    for (let i = 0; i < 9; i++) {
      expect((await api(limited.url, "POST", "/api/auth/login", { body: { email: unique(`nobody${i}`), password: "" } })).status).toBe(400);
    }
    const blocked = await api(limited.url, "POST", "/api/auth/login", { body: { email: bob.email, password: "correct horse battery" } });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.message).toMatch(/from your network/);
  });
});
