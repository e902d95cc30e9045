import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { api, createDoc, signup, startTestServer, type TestUser } from "./helpers.ts";
import { meetingToken, startMeeting, startMeetingWorld, type MeetingWorld } from "./meetingHelpers.ts";

let world: MeetingWorld;
let url: string;
let olga: TestUser; // owner
let ed: TestUser; // editor, starts meetings
let eve: TestUser; // another editor
let vi: TestUser; // viewer
let gus: TestUser; // guest from Globex, viewer through a link
let nora: TestUser; // not a member
let docId: string;

const call = (method: string, path: string, who: TestUser | undefined, body?: unknown) => api(url, method, path, { cookie: who?.cookie, body });

beforeAll(async () => {
  world = await startMeetingWorld();
  url = world.server.url;
  [olga, ed, eve, vi, gus, nora] = await Promise.all([
    signup(url, { name: "Olga Owner", company: "Acme" }),
    signup(url, { name: "Ed Editor", company: "Acme" }),
    signup(url, { name: "Eve Editor", company: "Acme" }),
    signup(url, { name: "Vi Viewer", company: "Acme" }),
    signup(url, { name: "Gus Guest", company: "Globex" }),
    signup(url, { name: "Nora Nobody", company: "Acme" }),
  ]);
  docId = await createDoc(url, olga, "Roadmap");
  for (const [who, role] of [[ed, "editor"], [eve, "editor"], [vi, "viewer"]] as const) {
    expect((await call("POST", `/api/docs/${docId}/members`, olga, { email: who.email, role })).status).toBe(201);
  }
  const link = await call("POST", `/api/docs/${docId}/invites`, olga, { role: "viewer" });
  expect((await call("POST", `/api/invites/${link.json.token}/accept`, gus)).status).toBe(200);
});
afterAll(() => world.close());

describe("meetings not configured", () => {
  it("answer 503 meetings_not_configured, naming the missing settings", async () => {
    const server = await startTestServer({ LIVEKIT_URL: "wss://lk.example.com" });
    try {
      const owner = await signup(server.url);
      const doc = await createDoc(server.url, owner);
      const res = await api(server.url, "POST", `/api/docs/${doc}/meetings`, { cookie: owner.cookie });
      expect(res.status).toBe(503);
      expect(res.json.error.id).toBe("meetings_not_configured");
      expect(res.json.error.message).toContain("LIVEKIT_API_KEY, LIVEKIT_API_SECRET");
      expect(res.json.error.message).not.toContain("LIVEKIT_URL");
      expect((await api(server.url, "POST", "/api/livekit/webhook", { body: "{}" })).status).toBe(503);
      // The document page names the missing settings before anyone presses Start.
      expect((await api(server.url, "GET", `/api/docs/${doc}/meetings`, { cookie: owner.cookie })).json).toEqual({
        meetings: [],
        missingSettings: ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"],
      });
    } finally {
      await server.close();
    }
  });
});

describe("starting a meeting", () => {
  it("creates one LiveKit room per meeting, with the document and meeting ids as metadata", async () => {
    const doc = await createDoc(url, olga, "Kick-off");
    const res = await call("POST", `/api/docs/${doc}/meetings`, olga);
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ id: expect.any(String), docId: doc, state: "live", startedAt: expect.any(String), startedBy: { id: olga.id, name: "Olga Owner" } });
    const room = world.double.rooms.list().find((r) => JSON.parse(r.metadata || "{}").meetingId === res.json.id);
    expect(JSON.parse(room!.metadata)).toEqual({ docId: doc, meetingId: res.json.id });
    const again = await call("POST", `/api/docs/${doc}/meetings`, ed);
    expect(again.status).toBe(404); // ed is not a member of this document
  });

  it("returns the live meeting (200) instead of starting a second one, even when asked at once", async () => {
    const doc = await createDoc(url, olga, "Race");
    const roomsBefore = world.double.rooms.list().length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => call("POST", `/api/docs/${doc}/meetings`, olga)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(world.double.rooms.list().length).toBe(roomsBefore + 1);
  });

  it("is for owners and editors; viewers get 403 and non-members 404", async () => {
    const doc = await createDoc(url, olga, "Who starts");
    await call("POST", `/api/docs/${doc}/members`, olga, { email: vi.email, role: "viewer" });
    expect((await call("POST", `/api/docs/${doc}/meetings`, vi)).status).toBe(403);
    expect((await call("POST", `/api/docs/${doc}/meetings`, nora)).status).toBe(404);
    expect((await call("POST", `/api/docs/${doc}/meetings`, undefined)).status).toBe(401);
  });

  it("says LiveKit is unreachable (502) and leaves no meeting behind when the room cannot be made", async () => {
    const doc = await createDoc(url, olga, "Down");
    world.double.roomService.beforeCall = (method) => {
      if (method === "CreateRoom") throw new Error("LiveKit is down");
    };
    try {
      const res = await call("POST", `/api/docs/${doc}/meetings`, olga);
      expect(res.status).toBe(502);
      expect(res.json.error.id).toBe("livekit_unreachable");
    } finally {
      world.double.roomService.beforeCall = undefined;
    }
    expect((await call("GET", `/api/docs/${doc}/meetings`, olga)).json.meetings).toEqual([]);
    expect((await call("POST", `/api/docs/${doc}/meetings`, olga)).status).toBe(201);
  });
});

describe("meeting tokens", () => {
  let meetingId: string;
  const grantOf = async (who: TestUser) => {
    const { url: lkUrl, token } = await meetingToken(url, meetingId, who);
    expect(lkUrl).toBe(world.double.url);
    return decodeJwt(token) as any;
  };
  beforeAll(async () => {
    meetingId = await startMeeting(url, docId, ed);
  });

  it("carry the person's identity, real name and server-set attributes, with a short lifetime", async () => {
    const claims = await grantOf(gus);
    expect(claims).toMatchObject({ sub: gus.id, name: "Gus Guest", iss: world.double.apiKey, attributes: { company: "Globex", external: "true" } });
    expect(claims.exp - claims.nbf).toBeLessThanOrEqual(300);
    expect((await grantOf(vi)).attributes).toEqual({ company: "Acme", external: "false" });
  });

  it("give roomAdmin to the starter and the owners only, and no privileged grant to anyone", async () => {
    const admin = { olga: true, ed: true, eve: false, vi: false, gus: false };
    for (const [name, who] of Object.entries({ olga, ed, eve, vi, gus })) {
      const { video } = await grantOf(who);
      expect(video).toMatchObject({ room: expect.stringMatching(/^confer-/), roomJoin: true, canPublish: true, canSubscribe: true, canUpdateOwnMetadata: false });
      expect(video.roomAdmin, name).toBe(admin[name as keyof typeof admin]);
      for (const key of ["roomCreate", "roomList", "roomRecord", "hidden", "agent", "recorder"]) expect(video[key] ?? false, `${name} ${key}`).toBe(false);
    }
  });

  it("are refused to non-members (404) and signed-out people (401)", async () => {
    expect((await call("POST", `/api/meetings/${meetingId}/token`, nora)).status).toBe(404);
    expect((await call("POST", `/api/meetings/${meetingId}/token`, undefined)).status).toBe(401);
    expect((await call("POST", "/api/meetings/not-a-real-id/token", olga)).status).toBe(404);
  });

  it("let a member join the LiveKit room as themselves", async () => {
    const { signalJoin } = await import("./meetingSignal.ts");
    const join = await signalJoin(world.double, (await meetingToken(url, meetingId, gus)).token);
    expect(join.participant).toMatchObject({ identity: gus.id, name: "Gus Guest", attributes: { company: "Globex", external: "true" } });
    join.close();
  });
});

describe("listing meetings", () => {
  it("lists a document's meetings newest first, for members only", async () => {
    const doc = await createDoc(url, olga, "History");
    const first = await startMeeting(url, doc, olga);
    expect((await call("POST", `/api/meetings/${first}/end`, olga)).status).toBe(200);
    const second = await startMeeting(url, doc, olga);
    const list = await call("GET", `/api/docs/${doc}/meetings`, olga);
    expect(list.json.meetings.map((m: any) => [m.id, m.state])).toEqual([
      [second, "live"],
      [first, "ended"],
    ]);
    expect(list.json.meetings[1]).toMatchObject({ endedAt: expect.any(String), startedBy: { id: olga.id, name: "Olga Owner" }, attendees: [] });
    expect(list.json).not.toHaveProperty("missingSettings");
    expect((await call("GET", `/api/docs/${doc}/meetings`, nora)).status).toBe(404);
  });
});
