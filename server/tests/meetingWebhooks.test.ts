import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CreateRoomRequest } from "@livekit/protocol";
import { signWebhook, webhookEvent, type Delivery } from "@confer/livekit-double";
import { MAX_ATTENDANCE_ROWS } from "../src/store/meetings.ts";
import { api, createDoc, signup, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken, startMeeting, startMeetingWorld, type MeetingWorld } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";

let world: MeetingWorld;
let url: string;
let olga: TestUser;
let gus: TestUser; // a guest from Globex

const call = (method: string, path: string, who: TestUser | undefined, body?: unknown) => api(url, method, path, { cookie: who?.cookie, body });
const meetingsOf = async (docId: string) => (await call("GET", `/api/docs/${docId}/meetings`, olga)).json.meetings as any[];

beforeAll(async () => {
  world = await startMeetingWorld();
  url = world.server.url;
  olga = await signup(url, { name: "Olga Owner", company: "Acme" });
  gus = await signup(url, { name: "Gus Guest", company: "Globex" });
});
afterEach(() => world.double.webhooks.release());
afterAll(() => world.close());

/** A document with gus as a guest, a live meeting, and gus in it (webhooks held back for the test to play). */
async function heldMeeting() {
  const docId = await createDoc(url, olga, "Hooks");
  const link = await call("POST", `/api/docs/${docId}/invites`, olga, { role: "viewer" });
  await call("POST", `/api/invites/${link.json.token}/accept`, gus);
  const meetingId = await startMeeting(url, docId, olga);
  await world.double.webhooks.idle();
  world.double.webhooks.hold();
  const room = `confer-${meetingId}`;
  return { docId, meetingId, room };
}

/** Posts raw bytes to the webhook route as LiveKit would. */
const post = (body: string, authorization?: string, contentType = "application/webhook+json") =>
  fetch(world.webhookUrl, { method: "POST", headers: { "Content-Type": contentType, ...(authorization ? { Authorization: authorization } : {}) }, body });

describe("LiveKit webhooks", () => {
  it("keep the attendance timeline: who joined and left when, named from our records", async () => {
    const { docId, meetingId } = await heldMeeting();
    const gusIn = await signalJoin(world.double, (await meetingToken(url, meetingId, gus)).token);
    gusIn.close();
    await waitFor(() => world.double.webhooks.held.length === 2, "join and leave events");
    await world.double.webhooks.release();
    expect(world.double.webhooks.deliveries.slice(-2).map((d) => d.status)).toEqual([200, 200]);
    const [meeting] = await meetingsOf(docId);
    expect(meeting.attendees).toEqual([
      { userId: gus.id, name: "Gus Guest", company: "Globex", external: true, joinedAt: expect.any(String), leftAt: expect.any(String) },
    ]);
    expect(Date.parse(meeting.attendees[0].leftAt)).toBeGreaterThanOrEqual(Date.parse(meeting.attendees[0].joinedAt) - 1000);
  });

  it("tolerate events out of order: a leave before its join, a room_finished before the leave", async () => {
    const { docId, meetingId, room } = await heldMeeting();
    const gusIn = await signalJoin(world.double, (await meetingToken(url, meetingId, gus)).token);
    world.double.rooms.delete(room);
    await gusIn.left;
    await waitFor(() => world.double.webhooks.held.length === 3, "join, leave, room_finished");
    expect(world.double.webhooks.held.map((e) => e.event)).toEqual(["participant_joined", "participant_left", "room_finished"]);
    await world.double.webhooks.release((held) => [held[2]!, held[1]!, held[0]!]);
    const [meeting] = await meetingsOf(docId);
    expect(meeting).toMatchObject({ id: meetingId, state: "ended" });
    expect(meeting.attendees).toHaveLength(1);
    expect(meeting.attendees[0]).toMatchObject({ userId: gus.id, joinedAt: expect.any(String), leftAt: expect.any(String) });
    // A late room_started never brings an ended meeting back.
    await world.double.webhooks.deliver(webhookEvent("room_started", { room: world.double.rooms.list()[0] ?? undefined }));
    expect((await meetingsOf(docId))[0].state).toBe("ended");
  });

  it("refuse forged, tampered, stale and unsigned deliveries with 401, changing nothing", async () => {
    const { docId, room } = await heldMeeting();
    const roomInfo = world.double.rooms.room(room)!;
    const finished = webhookEvent("room_finished", { room: roomInfo });
    const forged = await world.double.webhooks.deliver(finished, { apiSecret: "guessed" });
    const stale = await world.double.webhooks.deliver(finished, { at: Date.now() - 10 * 60_000 });
    const otherKey = await world.double.webhooks.deliver(finished, { apiKey: "otherkey" });
    const genuine = await signedBody(finished);
    const tampered = await world.double.webhooks.post({ event: finished, body: genuine.body.replace('"room_finished"', '"room_finished" '), authorization: genuine.authorization });
    expect([forged, stale, otherKey, tampered].map((d) => d.status)).toEqual([401, 401, 401, 401]);
    const unsigned = await post(genuine.body);
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).error).toMatchObject({ id: "webhook_unauthorized", message: expect.any(String) });
    expect((await post(genuine.body, `Bearer ${genuine.authorization}`)).status).toBe(401);
    // Positive control: the genuine delivery, sent last, is the one that ends the meeting.
    expect((await meetingsOf(docId))[0].state).toBe("live");
    expect((await post(genuine.body, genuine.authorization)).status).toBe(200);
    expect((await meetingsOf(docId))[0].state).toBe("ended");
  });

  it("apply a replayed event (same id) only once", async () => {
    const { docId, meetingId } = await heldMeeting();
    const gusIn = await signalJoin(world.double, (await meetingToken(url, meetingId, gus)).token);
    await waitFor(() => world.double.webhooks.held.length === 1, "join event");
    await world.double.webhooks.release();
    gusIn.close();
    const join = world.double.webhooks.deliveries.at(-1)!;
    await waitFor(() => world.double.webhooks.deliveries.at(-1)!.event.event === "participant_left", "leave delivered");
    const before = await meetingsOf(docId);
    expect(before[0].attendees[0].leftAt).toEqual(expect.any(String));
    // The same join again (same id, same signature), as a retry or an attacker would send it.
    const replay = await post(join.body, join.authorization);
    expect(replay.status).toBe(200);
    expect((await replay.json()).outcome).toBe("replayed");
    // A fresh event id for the same join would reopen nothing either: the stay is keyed by its sid.
    expect(await meetingsOf(docId)).toEqual(before);
  });

  it("bound what a sender can make the server hold: body size and remembered ids", async () => {
    const huge = "x".repeat(100 * 1024);
    const res = await post(huge, "irrelevant");
    expect(res.status).toBe(413);
    const store = world.server.services.meetings.store;
    for (let i = 0; i < 30; i++) await store.claimEvent(`EV_bound_${i}`);
    await store.pruneEvents(new Date(0).toISOString(), 10);
    expect(await store.countEvents()).toBe(10);
    expect(await store.claimEvent("EV_bound_29")).toBe(false); // the newest are the ones kept
    // Every rejoin is a stay: a meeting keeps at most MAX_ATTENDANCE_ROWS of them.
    const { meetingId } = await heldMeeting();
    const stay = (i: number) => ({ meetingId, participantSid: `PA_${i}`, userId: gus.id, name: "Gus", company: "Globex", external: true, joinedAt: new Date().toISOString() });
    const kept = await store.transaction(async (s) => {
      let n = 0;
      for (let i = 0; i < MAX_ATTENDANCE_ROWS + 5; i++) if (await s.recordJoin(stay(i), null)) n++;
      return n;
    });
    expect(kept).toBe(MAX_ATTENDANCE_ROWS);
    expect((await store.attendance([meetingId])).get(meetingId)).toHaveLength(MAX_ATTENDANCE_ROWS);
  });

  it("ignore rooms that are not Confer's and answer 400 to a signed body that is not an event", async () => {
    const other = await world.double.webhooks.deliver(webhookEvent("room_finished", { room: world.double.rooms.create(new CreateRoomRequest({ name: "someone-else" })) }));
    expect(other.status).toBe(200);
    const notJson = await signedRaw("not json");
    expect((await post(notJson.body, notJson.authorization)).status).toBe(400);
  });
});

/** A genuine signature over an event's body, not yet sent. */
async function signedBody(event: ReturnType<typeof webhookEvent>): Promise<Omit<Delivery, "status">> {
  return signedRaw(event.toJsonString(), event);
}

async function signedRaw(body: string, event = webhookEvent("room_started", {})): Promise<Omit<Delivery, "status">> {
  return { event, body, authorization: await signWebhook(body, { apiKey: world.double.apiKey, apiSecret: world.double.apiSecret }) };
}
