// The meetings against a real LiveKit server. Skipped unless LIVEKIT_URL is set, because no LiveKit
// can run in CI here (the rest of the meeting tests use the LiveKit double). To run it:
//
//   livekit-server --dev --bind 127.0.0.1
//   LIVEKIT_URL=ws://localhost:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret \
//     pnpm exec vitest run server/tests/livekitReal.test.ts
//
// It checks what Confer asks of LiveKit and what LiveKit then holds, through LiveKit's own API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { RoomServiceClient } from "livekit-server-sdk";
import { api, createDoc, signup, startTestServer, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken, startMeeting } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";

const livekit = {
  url: process.env.LIVEKIT_URL ?? "",
  apiUrl: process.env.LIVEKIT_API_URL,
  key: process.env.LIVEKIT_API_KEY ?? "devkey",
  secret: process.env.LIVEKIT_API_SECRET ?? "secret",
};

describe.skipIf(!livekit.url)("meetings against a real LiveKit (LIVEKIT_URL is set)", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let rooms: RoomServiceClient;
  let alice: TestUser; // owner
  let bob: TestUser; // guest from Globex, editor through a link
  let docId: string;
  const call = (method: string, path: string, who: TestUser, body?: unknown) => api(server.url, method, path, { cookie: who.cookie, body });
  const roomOf = async (meetingId: string) => (await rooms.listRooms()).find((r) => JSON.parse(r.metadata || "{}").meetingId === meetingId);

  beforeAll(async () => {
    const env: Record<string, string> = { LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.key, LIVEKIT_API_SECRET: livekit.secret };
    if (livekit.apiUrl) env.LIVEKIT_API_URL = livekit.apiUrl;
    server = await startTestServer(env);
    rooms = new RoomServiceClient((livekit.apiUrl ?? livekit.url).replace(/^ws/, "http"), livekit.key, livekit.secret);
    alice = await signup(server.url, { name: "Alice Host", company: "Acme" });
    bob = await signup(server.url, { name: "Bob Guest", company: "Globex" });
    docId = await createDoc(server.url, alice, "Real LiveKit");
    const link = await call("POST", `/api/docs/${docId}/invites`, alice, { role: "editor" });
    expect((await call("POST", `/api/invites/${link.json.token}/accept`, bob)).status).toBe(200);
  });
  afterAll(() => server?.close());

  it("a meeting is one LiveKit room carrying the document and meeting ids", async () => {
    const meetingId = await startMeeting(server.url, docId, alice);
    const room = await roomOf(meetingId);
    expect(room, "the room LiveKit lists").toBeDefined();
    expect(JSON.parse(room!.metadata)).toEqual({ docId, meetingId });
  });

  it("a member's token joins the room as themselves, with the attributes the server set", async () => {
    const meetingId = await startMeeting(server.url, docId, alice);
    const { url, token } = await meetingToken(server.url, meetingId, bob);
    expect(url).toBe(livekit.url);
    expect((decodeJwt(token) as { video?: { roomAdmin?: boolean } }).video?.roomAdmin ?? false).toBe(false);
    const join = await signalJoin({ url }, token);
    try {
      expect(join.participant).toMatchObject({ identity: bob.id, name: "Bob Guest", attributes: { company: "Globex", external: "true" } });
    } finally {
      join.close();
    }
  });

  it("removing a member from the document takes them out of the live room", async () => {
    const meetingId = await startMeeting(server.url, docId, alice);
    const join = await signalJoin({ url: livekit.url }, (await meetingToken(server.url, meetingId, bob)).token);
    const room = (await roomOf(meetingId))!;
    await waitFor(async () => (await rooms.listParticipants(room.name)).some((p) => p.identity === bob.id), "Bob in LiveKit's participant list");
    expect((await call("DELETE", `/api/docs/${docId}/members/${bob.id}`, alice)).status).toBe(200);
    await Promise.race([join.left, join.closed]); // LiveKit says why (leave), or just closes
    expect((await rooms.listParticipants(room.name)).some((p) => p.identity === bob.id)).toBe(false);
  });

  it("ending the meeting deletes its room", async () => {
    const other = await createDoc(server.url, alice, "Ends");
    const meetingId = await startMeeting(server.url, other, alice);
    expect(await roomOf(meetingId)).toBeDefined();
    expect((await call("POST", `/api/meetings/${meetingId}/end`, alice)).status).toBe(200);
    await waitFor(async () => (await roomOf(meetingId)) === undefined, "the room gone from LiveKit");
  });
});
