import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createDoc, signup, startMailServer, type TestUser } from "./helpers.ts";

type Server = Awaited<ReturnType<typeof startMailServer>>;
let server: Server;
let alice: TestUser; // Acme, owns every document below
let carol: TestUser; // Acme, co-owner in the scenario
let dave: TestUser; // Acme, the third person
let vic: TestUser; // Acme
let bob: TestUser; // Globex

beforeAll(async () => {
  server = await startMailServer();
  [alice, carol, dave, vic, bob] = await Promise.all([
    signup(server.url, { name: "Alice", company: "Acme" }),
    signup(server.url, { name: "Carol", company: "Acme" }),
    signup(server.url, { name: "Dave", company: "Acme" }),
    signup(server.url, { name: "Vic", company: "Acme" }),
    signup(server.url, { name: "Bob", company: "Globex" }),
  ]);
});
afterAll(() => server.close());

const call = (method: string, path: string, who: TestUser | undefined, body?: unknown) => api(server.url, method, path, { cookie: who?.cookie, body });
const roles = async (docId: string) =>
  Object.fromEntries(((await call("GET", `/api/docs/${docId}/members`, alice)).json.members as { userId: string; role: string }[]).map((m) => [m.userId, m.role]));
async function link(docId: string, who: TestUser, role: string, maxUses?: number) {
  const res = await call("POST", `/api/docs/${docId}/invites`, who, { role, maxUses });
  expect(res.status).toBe(201);
  return res.json as { id: string; token: string };
}
async function addAs(docId: string, person: TestUser, role: string) {
  expect((await call("POST", `/api/docs/${docId}/members`, alice, { email: person.email, role: "editor" })).status).toBe(201);
  if (role !== "editor") expect((await call("PATCH", `/api/docs/${docId}/members/${person.id}`, alice, { role })).status).toBe(200);
}
function expectRefused(res: { status: number; json: any }, id: string) {
  expect(res.status).toBe(410);
  expect(res.json.error.id).toBe(id);
  expect(res.json.error.message).toMatch(/Ask an owner|Ask them|Ask for/);
}

describe("rights end when they should: a removed co-owner and their links", () => {
  it("a removed co-owner cannot get back in through their own owner link, nor make a third person owner", async () => {
    const docId = await createDoc(server.url, alice, "Board minutes");
    await addAs(docId, carol, "owner");
    const carolsOwnerLink = await link(docId, carol, "owner");
    const carolsEditorLink = await link(docId, carol, "editor", 10);
    const alicesLink = await link(docId, alice, "viewer");

    expect((await call("DELETE", `/api/docs/${docId}/members/${carol.id}`, alice)).status).toBe(200);

    // The links Carol made were revoked with her removal, and the log says so.
    const active = (await call("GET", `/api/docs/${docId}/invites`, alice)).json.invites.map((i: { id: string }) => i.id);
    expect(active).toEqual([alicesLink.id]);
    const log = (await call("GET", `/api/docs/${docId}/activity`, alice)).json.entries as { action: string; inviteId: string | null }[];
    expect(log.filter((e) => e.action === "invite_revoked").map((e) => e.inviteId).sort()).toEqual([carolsOwnerLink.id, carolsEditorLink.id].sort());

    // Carol, still signed in, tries her own link: refused, and she is not back.
    expectRefused(await call("POST", `/api/invites/${carolsOwnerLink.token}/accept`, carol), "invite_revoked");
    expect((await call("GET", `/api/docs/${docId}`, carol)).status).toBe(404);
    // So she cannot make Dave an owner, neither by adding him nor through her link.
    expect((await call("POST", `/api/docs/${docId}/members`, carol, { email: dave.email, role: "owner" })).status).toBe(404);
    expectRefused(await call("POST", `/api/invites/${carolsOwnerLink.token}/accept`, dave), "invite_revoked");
    expectRefused(await call("POST", `/api/invites/${carolsEditorLink.token}/accept`, dave), "invite_revoked");
    expect(await roles(docId)).toEqual({ [alice.id]: "owner" });
  });

  it("a link whose creator was removed is refused at use even if it escaped revocation", async () => {
    const docId = await createDoc(server.url, alice);
    await addAs(docId, carol, "owner");
    const carols = await link(docId, carol, "owner");
    expect((await call("DELETE", `/api/docs/${docId}/members/${carol.id}`, alice)).status).toBe(200);
    // As if the link had been made in the same instant as the removal and missed it.
    await server.services.db.updateTable("invites").set({ revoked_at: null }).where("id", "=", carols.id).execute();

    expectRefused(await call("GET", `/api/invites/${carols.token}`, undefined), "invite_inviter_lost_rights");
    expectRefused(await call("POST", `/api/invites/${carols.token}/accept`, carol), "invite_inviter_lost_rights");
    expectRefused(await call("POST", `/api/invites/${carols.token}/accept`, dave), "invite_inviter_lost_rights");
    const guest = await api(server.url, "POST", `/api/invites/${carols.token}/accept`, {
      body: { name: "Gil", email: `gil.${Date.now()}@globex.example`, password: "long enough pw", company: "Globex" },
    });
    expectRefused(guest, "invite_inviter_lost_rights");
    expect(await roles(docId)).toEqual({ [alice.id]: "owner" });
    expect((await call("GET", `/api/docs/${docId}/invites`, alice)).json.invites[0]).toMatchObject({ id: carols.id, uses: 0 });
  });

  it("a co-owner demoted to editor: links they made stop granting anything", async () => {
    const docId = await createDoc(server.url, alice);
    await addAs(docId, carol, "owner");
    const ownerLink = await link(docId, carol, "owner");
    const viewerLink = await link(docId, carol, "viewer");
    expect((await call("PATCH", `/api/docs/${docId}/members/${carol.id}`, alice, { role: "editor" })).status).toBe(200);
    expectRefused(await call("POST", `/api/invites/${ownerLink.token}/accept`, dave), "invite_inviter_lost_rights");
    expectRefused(await call("POST", `/api/invites/${viewerLink.token}/accept`, bob), "invite_inviter_lost_rights");
    expect(await roles(docId)).toEqual({ [alice.id]: "owner", [carol.id]: "editor" });
    // Someone who may still grant it keeps their link working.
    const alices = await link(docId, alice, "viewer");
    expect((await call("POST", `/api/invites/${alices.token}/accept`, bob)).json).toEqual({ docId, role: "viewer" });
  });

  it("a member who leaves by themselves takes their links with them", async () => {
    const docId = await createDoc(server.url, alice);
    await addAs(docId, carol, "owner");
    const carols = await link(docId, carol, "editor");
    expect((await call("DELETE", `/api/docs/${docId}/members/${carol.id}`, carol)).status).toBe(200);
    expectRefused(await call("POST", `/api/invites/${carols.token}/accept`, dave), "invite_revoked");
  });
});

describe("a one-use link used by several people at once", () => {
  it("lets exactly one in", async () => {
    const docId = await createDoc(server.url, alice);
    const once = await link(docId, alice, "editor", 1);
    // Guests signing up spend a while hashing their password after the link was checked, so all of
    // them pass the early check before any counts its use: only the store's consume() decides.
    const guest = (n: number) => ({ name: `Guest ${n}`, email: `guest${n}.${Date.now()}@globex.example`, password: "long enough pw", company: `Guest Co ${n} ${Date.now()}` });
    const results = await Promise.all([1, 2, 3].map((n) => api(server.url, "POST", `/api/invites/${once.token}/accept`, { body: guest(n) })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    expect(results.filter((r) => r.status === 410).every((r) => r.json.error.id === "invite_used_up")).toBe(true);
    expect(Object.keys(await roles(docId))).toHaveLength(2);
    expect((await server.services.invites.find(docId, once.id))!.uses).toBe(1);
  });
});

describe("every role against every document endpoint", () => {
  type Who = "owner" | "editor" | "viewer" | "nonMember";
  // [method, path (after /api/docs/:id), body, what it exercises]
  const ENDPOINTS: [string, string, unknown, string][] = [
    ["GET", "", undefined, "read"],
    ["PATCH", "", { title: "Renamed" }, "rename"],
    ["GET", "/members", undefined, "viewMembers"],
    ["POST", "/members", "add", "manageMembers"],
    ["GET", "/invites", undefined, "manageInvites (list)"],
    ["POST", "/invites", { role: "viewer" }, "manageInvites (create)"],
    ["GET", "/activity", undefined, "viewActivity"],
    ["DELETE", "", undefined, "delete"],
  ];
  const EXPECTED: Record<Who, number[]> = {
    owner: [200, 200, 200, 201, 200, 201, 200, 200],
    editor: [200, 200, 200, 403, 403, 403, 403, 403],
    viewer: [200, 403, 200, 403, 403, 403, 403, 403],
    nonMember: [404, 404, 404, 404, 404, 404, 404, 404],
  };

  it.each(["owner", "editor", "viewer", "nonMember"] as Who[])("%s", async (who) => {
    const docId = await createDoc(server.url, alice);
    const person = { owner: alice, editor: carol, viewer: vic, nonMember: bob }[who];
    if (who === "editor") await addAs(docId, carol, "editor");
    if (who === "viewer") await addAs(docId, vic, "viewer");
    const statuses: number[] = [];
    for (const [method, path, body] of ENDPOINTS) {
      const payload = body === "add" ? { email: dave.email, role: "viewer" } : body;
      statuses.push((await call(method, `/api/docs/${docId}${path}`, person, payload)).status);
    }
    expect(statuses).toEqual(EXPECTED[who]);
  });
});
