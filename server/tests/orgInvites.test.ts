import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, startServer } from "../src/index.ts";
import { api, createDoc, signup, startTestServer, tempDir, type TestUser } from "./helpers.ts";

// Without SMTP, an admin's invitation is the only way into an organisation.
type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let admin: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signup(server.url, { name: "Hana", company: "Initech" });
});
afterAll(() => server.close());

const cookieOf = (res: { headers: Headers }) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;
const newInvite = async (who: TestUser = admin, body: Record<string, unknown> = {}) => {
  const res = await api(server.url, "POST", "/api/org/invites", { cookie: who.cookie, body });
  expect(res.status).toBe(201);
  return res.json as { id: string; token: string; url: string; maxUses: number };
};
const person = (name: string) => ({ name, email: `${name.toLowerCase()}.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@initech.test`, password: "long enough pw" });

describe("organisation invitations", () => {
  it("an admin invites; a new person lands in the organisation, marked as a colleague everywhere", async () => {
    const invite = await newInvite();
    expect(invite.url).toBe(`${server.url}/join/${invite.token}`);
    expect(invite.maxUses).toBe(1);
    const landing = await api(server.url, "GET", `/api/org-invites/${invite.token}`);
    expect(landing.json).toMatchObject({ orgName: "Initech", invitedBy: "Hana", alreadyInOrg: false });

    const ivan = person("Ivan");
    const joined = await api(server.url, "POST", `/api/org-invites/${invite.token}/accept`, { body: ivan });
    expect(joined.status).toBe(200);
    const me = (await api(server.url, "GET", "/api/me", { cookie: cookieOf(joined) })).json;
    const adminMe = (await api(server.url, "GET", "/api/me", { cookie: admin.cookie })).json;
    expect(me).toMatchObject({ orgId: adminMe.orgId, company: "Initech", emailVerified: false });
    expect((await api(server.url, "GET", "/api/org", { cookie: cookieOf(joined) })).json.isAdmin).toBe(false);

    // A colleague through a link is not external, even where outside guests are refused.
    await api(server.url, "PATCH", "/api/org", { cookie: admin.cookie, body: { allowExternal: false } });
    const docId = await createDoc(server.url, admin);
    const link = await api(server.url, "POST", `/api/docs/${docId}/invites`, { cookie: admin.cookie, body: { role: "editor" } });
    const accepted = await api(server.url, "POST", `/api/invites/${link.json.token}/accept`, { cookie: cookieOf(joined) });
    expect(accepted.status).toBe(200);
    const members = (await api(server.url, "GET", `/api/docs/${docId}/members`, { cookie: admin.cookie })).json.members;
    expect(members.find((m: { name: string }) => m.name === "Ivan")).toMatchObject({ external: false });
    await api(server.url, "PATCH", "/api/org", { cookie: admin.cookie, body: { allowExternal: true } });

    // The invitation was for one person.
    const late = await api(server.url, "POST", `/api/org-invites/${invite.token}/accept`, { body: person("Late") });
    expect(late.status).toBe(410);
    expect(late.json.error.id).toBe("invite_used_up");
  });

  it("only admins invite, list and revoke; revoked, expired and unknown invitations say so", async () => {
    const member = await api(server.url, "POST", `/api/org-invites/${(await newInvite()).token}/accept`, { body: person("Member") });
    const memberUser = { cookie: cookieOf(member) } as TestUser;
    for (const [method, path] of [
      ["POST", "/api/org/invites"],
      ["GET", "/api/org/invites"],
      ["DELETE", "/api/org/invites/whatever"],
    ] as const) {
      const res = await api(server.url, method, path, { cookie: memberUser.cookie, body: method === "GET" ? undefined : {} });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toMatch(/Only an admin/);
    }
    expect((await api(server.url, "POST", "/api/org/invites", { cookie: admin.cookie, body: { maxUses: 0 } })).status).toBe(400);

    const revoked = await newInvite();
    const listed = (await api(server.url, "GET", "/api/org/invites", { cookie: admin.cookie })).json.invites.map((i: { id: string }) => i.id);
    expect(listed).toContain(revoked.id);
    expect((await api(server.url, "DELETE", `/api/org/invites/${revoked.id}`, { cookie: admin.cookie })).status).toBe(200);
    expect((await api(server.url, "GET", `/api/org-invites/${revoked.token}`)).json.error.id).toBe("invite_revoked");
    expect((await api(server.url, "POST", `/api/org-invites/${revoked.token}/accept`, { body: person("R") })).status).toBe(410);

    const expired = await newInvite();
    await server.services.db.updateTable("org_invites").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", expired.id).execute();
    expect((await api(server.url, "POST", `/api/org-invites/${expired.token}/accept`, { body: person("E") })).json.error.id).toBe("invite_expired");
    expect((await api(server.url, "GET", `/api/org-invites/${"z".repeat(43)}`)).status).toBe(404);
  });

  it("five people racing for a one-person invitation: one joins, four are told it is used up", async () => {
    const invite = await newInvite();
    const people = Array.from({ length: 5 }, (_, i) => person(`Racer${i}`));
    const answers = await Promise.all(people.map((p) => api(server.url, "POST", `/api/org-invites/${invite.token}/accept`, { body: p })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410, 410, 410]);
    const counts = await Promise.all(people.map((p) => server.services.users.countUnconfirmed(p.email)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("someone alone in the organisation their sign-up made moves in, with their documents; a team member cannot be pulled out", async () => {
    const solo = await signup(server.url, { name: "Solo", company: "Solo Ltd" });
    const soloDoc = await createDoc(server.url, solo, "My notes");
    const soloOrg = (await api(server.url, "GET", "/api/me", { cookie: solo.cookie })).json.orgId;
    const invite = await newInvite();
    const landing = await api(server.url, "GET", `/api/org-invites/${invite.token}`, { cookie: solo.cookie });
    expect(landing.json.alreadyInOrg).toBe(false);
    const moved = await api(server.url, "POST", `/api/org-invites/${invite.token}/accept`, { cookie: solo.cookie });
    expect(moved.status).toBe(200);
    const me = (await api(server.url, "GET", "/api/me", { cookie: solo.cookie })).json;
    expect(me.company).toBe("Initech");
    expect((await server.services.documents.find(soloDoc))!.orgId).toBe(me.orgId);
    expect(await server.services.orgs.find(soloOrg)).toBeUndefined();
    const again = await api(server.url, "GET", `/api/org-invites/${(await newInvite()).token}`, { cookie: solo.cookie });
    expect(again.json.alreadyInOrg).toBe(true);

    // The admin of a team of two cannot be moved out of it by another organisation's invitation.
    const other = await signup(server.url, { name: "Olga", company: "Other" });
    const otherInvite = await api(server.url, "POST", "/api/org/invites", { cookie: other.cookie, body: {} });
    const refused = await api(server.url, "POST", `/api/org-invites/${otherInvite.json.token}/accept`, { cookie: admin.cookie });
    expect(refused.status).toBe(409);
    expect(refused.json.error.id).toBe("org_has_others");
    expect((await api(server.url, "GET", "/api/me", { cookie: admin.cookie })).json.company).toBe("Initech");
  });
});

describe("logs", () => {
  it("never carry a token, even when a request fails on the server or loses a race", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const dataDir = tempDir();
    const logged = await startServer(loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info" }), pino({ level: "debug" }, sink));
    try {
      const owner = await signup(logged.url, { name: "Owner" });
      const guest = await signup(logged.url, { name: "Guest", company: "Elsewhere" });
      const docId = await createDoc(logged.url, owner);
      const tokens: string[] = [];
      const link = await api(logged.url, "POST", `/api/docs/${docId}/invites`, { cookie: owner.cookie, body: { role: "viewer" } });
      tokens.push(link.json.token);
      const orgInvite = await api(logged.url, "POST", "/api/org/invites", { cookie: owner.cookie, body: {} });
      tokens.push(orgInvite.json.token);

      // A failure nobody foresaw (500), then the database refusing a duplicate (409), while accepting.
      const members = logged.services.members;
      const realAdd = members.add.bind(members);
      members.add = async () => {
        throw new Error("disk on fire");
      };
      const failed = await api(logged.url, "POST", `/api/invites/${link.json.token}/accept`, { cookie: guest.cookie });
      expect(failed.status).toBe(500);
      expect(failed.text).not.toContain("disk on fire");
      members.add = async () => {
        throw Object.assign(new Error("UNIQUE constraint failed: document_members.doc_id, document_members.user_id"), { code: "SQLITE_CONSTRAINT_UNIQUE" });
      };
      const raced = await api(logged.url, "POST", `/api/invites/${link.json.token}/accept`, { cookie: guest.cookie });
      expect(raced.status).toBe(409);
      members.add = realAdd;
      await api(logged.url, "GET", `/api/org-invites/${orgInvite.json.token}`);
      await api(logged.url, "POST", `/api/org-invites/${orgInvite.json.token}/accept`, { body: person("Logged") });

      const text = lines.join("");
      expect(text).toContain('"path":"/api/invites/:token/accept"');
      expect(text).toContain("disk on fire");
      expect(text).toContain("request lost a race");
      expect(text).toContain('"path":"/api/org-invites/:token/accept"');
      for (const token of tokens) expect(text).not.toContain(token);
    } finally {
      await logged.close();
    }
  });
});
