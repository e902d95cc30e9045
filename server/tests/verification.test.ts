import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/index.ts";
import { api, createDoc, signup, startMailServer, TEST_PUBLIC_URL, type TestUser } from "./helpers.ts";
import { verifyToken } from "./mailbox.ts";
import { AccountConflict } from "../src/store/users.ts";

// A server with SMTP_URL pointing at a real SMTP server (smtp-server on port 0) that keeps what arrives.
type Server = Awaited<ReturnType<typeof startMailServer>>;
let server: Server;

beforeAll(async () => {
  server = await startMailServer();
});
afterAll(() => server.close());

const stamp = () => `${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
const cookieOf = (res: { headers: Headers }) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;
const signupReq = (email: string, password = "correct horse battery", extra: Record<string, string> = {}) =>
  api(server.url, "POST", "/api/auth/signup", { body: { name: "Someone", email, password, company: "Typed Co", ...extra } });
const confirm = (token: string | undefined) => api(server.url, "POST", "/api/auth/verify", { body: { token } });

describe("email confirmation", () => {
  it("sign-up answers 202 and mails a link; following it makes a confirmed account in the organisation of the proven domain", async () => {
    const domain = `initech${stamp()}.test`;
    const email = `alice@${domain}`;
    const res = await signupReq(email, "correct horse battery", { company: "Initech" });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ status: "check_email", email });
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await server.services.users.findByEmail(email)).toBeUndefined();

    const mail = await server.mailbox.next(email);
    expect(mail.from).toBe("confer@confer.test");
    expect(mail.subject).toBe("Confirm your email address for Confer");
    expect(mail.text).toContain(`${TEST_PUBLIC_URL}/verify/`);
    const token = verifyToken(mail);

    const done = await confirm(token);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ email, company: "Initech", emailVerified: true });
    const alice = { cookie: cookieOf(done) } as TestUser;
    expect((await api(server.url, "GET", "/api/org", { cookie: alice.cookie })).json).toMatchObject({ name: "Initech", isAdmin: true, domain });
    // A link works once.
    const twice = await confirm(token);
    expect(twice.status).toBe(410);
    expect(twice.json.error.id).toBe("link_expired");

    // A colleague who proves an address of that domain joins Initech, whatever company they typed.
    const bob = await signup(server.url, { email: `bob@${domain}`, company: "Something Else" });
    const bobMe = (await api(server.url, "GET", "/api/me", { cookie: bob.cookie })).json;
    expect(bobMe).toMatchObject({ orgId: done.json.orgId, company: "Initech", emailVerified: true });
    expect((await api(server.url, "GET", "/api/org", { cookie: bob.cookie })).json.isAdmin).toBe(false);
  });

  it("an address that has an account gets the same answer, and a note instead of a link", async () => {
    const email = `existing${stamp()}@hooli.test`;
    await signup(server.url, { email, company: "Hooli" });
    const fresh = await signupReq(`fresh${stamp()}@hooli.test`);
    const again = await signupReq(email, "some other password");
    expect(again.status).toBe(fresh.status);
    expect(Object.keys(again.json)).toEqual(Object.keys(fresh.json));
    expect(again.json).toEqual({ status: "check_email", email });
    const note = await server.mailbox.next(email, { match: /already has an account/ });
    expect(note.subject).toBe("You already have a Confer account");
    expect(note.text).toContain(`${TEST_PUBLIC_URL}/login`);
    expect(verifyToken(note)).toBeUndefined();
    expect(await server.services.users.countUnconfirmed(email)).toBe(0);
  });

  it("nothing the requester typed reaches the mail, and a public mail domain never makes an organisation", async () => {
    const email = `someone${stamp()}@gmail.com`;
    await signupReq(email, "correct horse battery", { name: "Call +1 555 0100 now", company: "Your Bank Security Team" });
    const mail = await server.mailbox.next(email);
    expect(mail.text).not.toMatch(/555|Bank/);
    const other = await signup(server.url, { email: `other${stamp()}@gmail.com`, company: "Other" });
    const first = await confirm(verifyToken(mail));
    expect(first.status).toBe(200);
    const orgs = await Promise.all(
      [cookieOf(first), other.cookie].map(async (cookie) => (await api(server.url, "GET", "/api/org", { cookie })).json),
    );
    expect(orgs[0].id).not.toBe(orgs[1].id);
    expect(orgs.map((o) => o.domain)).toEqual([null, null]);
  });

  it("the impostor case: whoever typed Carol's address first never receives what is meant for Carol", async () => {
    const domain = `umbrella${stamp()}.test`;
    const hana = await signup(server.url, { name: "Hana", email: `hana@${domain}`, company: "Umbrella" });
    const docId = await createDoc(server.url, hana, "Budget");
    const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: hana.cookie, body: { role: "viewer" } });
    const carolEmail = `carol@${domain}`;
    // Mallory gets in as a guest (a link is all a guest needs) by typing Carol's address.
    const mallory = await api(server.url, "POST", `/api/invites/${link.json.token}/accept`, {
      body: { name: "Carol", email: carolEmail, password: "mallory's password", company: "Umbrella" },
    });
    expect(mallory.status).toBe(200);
    const malloryId = (await api(server.url, "GET", "/api/me", { cookie: cookieOf(mallory) })).json.id;

    const secret = await createDoc(server.url, hana, "Salaries");
    const addTooEarly = await api(server.url, "POST", `/api/docs/${secret}/members`, { cookie: hana.cookie, body: { email: carolEmail, role: "editor" } });
    expect(addTooEarly.status).toBe(404);

    // The real Carol signs up later: her address is free to prove, and she joins Umbrella.
    const carol = await signup(server.url, { name: "Carol", email: carolEmail, company: "Umbrella", password: "carol's own password" });
    expect(carol.id).not.toBe(malloryId);
    const added = await api(server.url, "POST", `/api/docs/${secret}/members`, { cookie: hana.cookie, body: { email: carolEmail, role: "editor" } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ userId: carol.id, external: false });
    const malloryDocs = (await api(server.url, "GET", "/api/docs", { cookie: cookieOf(mallory) })).json.docs.map((d: { id: string }) => d.id);
    expect(malloryDocs).toEqual([docId]);
    // Mallory's password still opens only Mallory's guest account.
    const login = await api(server.url, "POST", "/api/auth/login", { body: { email: carolEmail, password: "mallory's password" } });
    expect(login.json.id).toBe(malloryId);
  });

  it("a guest confirms their own account by signing up with the same address and password", async () => {
    const host = await signup(server.url, { company: "Acme" });
    const docId = await createDoc(server.url, host);
    const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: host.cookie, body: { role: "editor" } });
    const email = `gina${stamp()}@globex.test`;
    const joined = await api(server.url, "POST", `/api/invites/${link.json.token}/accept`, {
      body: { name: "Gina", email, password: "gina's password", company: "Globex" },
    });
    const ginaId = (await api(server.url, "GET", "/api/me", { cookie: cookieOf(joined) })).json.id;
    expect((await signupReq(email, "gina's password")).status).toBe(202);
    const done = await confirm(verifyToken(await server.mailbox.next(email)));
    expect(done.json).toMatchObject({ id: ginaId, emailVerified: true, company: "Globex" });
    expect((await api(server.url, "GET", "/api/docs", { cookie: cookieOf(done) })).json.docs.map((d: { id: string }) => d.id)).toEqual([docId]);
  });

  it("racing sign-ups and confirmations of one address make exactly one account; the rest are clear 4xx", async () => {
    const email = `race${stamp()}@wayne.test`;
    const asked = await Promise.all([1, 2, 3, 4].map((n) => signupReq(email, `password ${n}`)));
    expect(asked.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const mails = await Promise.all([0, 1, 2, 3].map((skip) => server.mailbox.next(email, { skip })));
    const answers = await Promise.all(mails.map((m) => confirm(verifyToken(m))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect([409, 410]).toContain(a.status);
      expect(["already_confirmed", "link_expired"]).toContain(a.json.error.id);
    }
    expect(await server.services.users.findVerifiedByEmail(email)).toBeDefined();
    expect(await server.services.users.countUnconfirmed(email)).toBe(0);
    const rows = await server.services.db.selectFrom("users").select("id").where("email", "=", email).execute();
    expect(rows).toHaveLength(1);
    // Below the route's one-address-at-a-time, the store itself refuses a second confirmed account.
    const again = server.services.users.create({
      name: "Twin",
      email,
      passwordHash: "x",
      verified: true,
      placement: { company: "Twin" },
      maxUnconfirmed: 3,
    });
    await expect(again).rejects.toThrow(AccountConflict);
  });

  it("a mail server that refuses is a 503 that says so, and leaves no account", async () => {
    const email = `down${stamp()}@stark.test`;
    server.mailbox.refuse(true);
    try {
      const res = await signupReq(email);
      expect(res.status).toBe(503);
      expect(res.json.error).toMatchObject({ id: "mail_failed", message: expect.stringMatching(/could not send the email/) });
    } finally {
      server.mailbox.refuse(false);
    }
    expect(await server.services.users.findByEmail(email)).toBeUndefined();
  });

  it("sign-ups per address are limited, so nobody can flood someone's inbox", async () => {
    const email = `flood${stamp()}@lexcorp.test`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signupReq(email, `password ${i}`)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    expect(server.mailbox.mails.filter((m) => m.to.includes(email))).toHaveLength(5);
  });

  it("refuses SMTP_URL without PUBLIC_URL: links must not follow whatever Host a request names", () => {
    expect(() => loadConfig({ SMTP_URL: "smtp://127.0.0.1:2525" })).toThrow(/PUBLIC_URL/);
    expect(loadConfig({ SMTP_URL: "smtp://127.0.0.1:2525", PUBLIC_URL: "https://docs.example.com" }).smtp).toEqual({
      url: "smtp://127.0.0.1:2525",
      from: "Confer <confer@docs.example.com>",
    });
  });
});
