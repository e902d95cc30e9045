import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrackInfo, TrackSource, TrackType } from "@livekit/protocol";
import { api, createDoc, signup, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken, openPage, startMeeting, startMeetingWorld, type MeetingWorld } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";

let world: MeetingWorld;
let url: string;
let olga: TestUser; // owner
let ed: TestUser; // editor
let vi: TestUser; // viewer

const call = (method: string, path: string, who: TestUser | undefined, body?: unknown) => api(url, method, path, { cookie: who?.cookie, body });
const calls = (method: string) => world.double.roomService.calls.filter((c) => c.method === method);

beforeAll(async () => {
  world = await startMeetingWorld();
  url = world.server.url;
  [olga, ed, vi] = await Promise.all([
    signup(url, { name: "Olga Owner", company: "Acme" }),
    signup(url, { name: "Ed Editor", company: "Acme" }),
    signup(url, { name: "Vi Viewer", company: "Acme" }),
  ]);
});
afterAll(() => world.close());

/** A document with ed as editor and vi as viewer, and a live meeting started by ed. */
async function meetingDoc() {
  const docId = await createDoc(url, olga, "Weekly");
  await call("POST", `/api/docs/${docId}/members`, olga, { email: ed.email, role: "editor" });
  await call("POST", `/api/docs/${docId}/members`, olga, { email: vi.email, role: "viewer" });
  const meetingId = await startMeeting(url, docId, ed);
  return { docId, meetingId, room: `confer-${meetingId}` };
}

describe("open pages see the meeting's server state", () => {
  it("live on start, who is in it as people join and leave, ended at the end", async () => {
    const docId = await createDoc(url, olga, "Live card");
    await call("POST", `/api/docs/${docId}/members`, olga, { email: vi.email, role: "viewer" });
    const page = await openPage(url, docId, vi);
    const meetingId = await startMeeting(url, docId, olga);
    await page.waitNotice((n) => n.meetingId === meetingId && n.state === "live", "live notice");
    const vis = await signalJoin(world.double, (await meetingToken(url, meetingId, vi)).token);
    await page.waitNotice((n) => n.participants.some((p) => p.userId === vi.id && p.name === "Vi Viewer" && !p.external), "vi in the meeting");
    const seen = page.notices.length;
    vis.close();
    await page.waitNotice((n) => n.state === "live" && n.participants.length === 0, "vi left", seen);
    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    const ended = await page.waitNotice((n) => n.state === "ended", "ended notice");
    expect(ended).toMatchObject({ meetingId, endedAt: expect.any(String), startedBy: { id: olga.id, name: "Olga Owner" }, participants: [] });
    page.close();
  });
});

describe("ending", () => {
  it("the host ends the meeting: the room is deleted, nobody can join after", async () => {
    const { meetingId, room, docId } = await meetingDoc();
    const vis = await signalJoin(world.double, (await meetingToken(url, meetingId, vi)).token);
    expect((await call("POST", `/api/meetings/${meetingId}/end`, vi)).json.error.id).toBe("not_host");
    const res = await call("POST", `/api/meetings/${meetingId}/end`, ed);
    expect(res.status).toBe(200);
    expect(res.json.state).toBe("ended");
    expect(calls("DeleteRoom").some((c) => (c.body as { room: string }).room === room && c.status === 200)).toBe(true);
    expect(world.double.rooms.room(room)).toBeUndefined();
    expect(await vis.left).toBe(5); // ROOM_DELETED
    const late = await call("POST", `/api/meetings/${meetingId}/token`, vi);
    expect(late.status).toBe(409);
    expect(late.json.error.id).toBe("meeting_ended");
    // A new meeting of the same document is a new room.
    const next = await call("POST", `/api/docs/${docId}/meetings`, olga);
    expect(next.status).toBe(201);
    expect(next.json.id).not.toBe(meetingId);
  });

  it("a token minted before the end cannot bring the meeting back: the re-created room is deleted", async () => {
    const { meetingId, room } = await meetingDoc();
    const { token } = await meetingToken(url, meetingId, vi);
    expect((await call("POST", `/api/meetings/${meetingId}/end`, ed)).status).toBe(200);
    await world.double.webhooks.idle();
    // LiveKit creates rooms on join, so the old (still valid) token gets in for a moment…
    const late = await signalJoin(world.double, token);
    expect(await late.left).toBe(5); // …until the server, told by the webhook, deletes the room.
    expect(world.double.rooms.room(room)).toBeUndefined();
    expect((await call("POST", `/api/meetings/${meetingId}/token`, vi)).status).toBe(409);
  });

  it("deleting the document ends its meeting and deletes the room", async () => {
    const { docId, room } = await meetingDoc();
    expect((await call("DELETE", `/api/docs/${docId}`, olga)).status).toBe(200);
    expect(world.double.rooms.room(room)).toBeUndefined();
  });
});

describe("hosts mute and remove people", () => {
  it("mute every audio track of a participant, and remove them, through RoomService", async () => {
    const { meetingId, room } = await meetingDoc();
    const vis = await signalJoin(world.double, (await meetingToken(url, meetingId, vi)).token);
    world.double.rooms.addTrack(room, vi.id, new TrackInfo({ sid: "TR_mic", type: TrackType.AUDIO, source: TrackSource.MICROPHONE }));
    expect((await call("POST", `/api/meetings/${meetingId}/participants/${vi.id}/mute`, vi)).status).toBe(403);
    expect((await call("POST", `/api/meetings/${meetingId}/participants/${vi.id}/mute`, ed)).status).toBe(200);
    expect(world.double.rooms.participant(room, vi.id).tracks[0]!.muted).toBe(true);
    expect(calls("MutePublishedTrack").at(-1)).toMatchObject({ status: 200, body: { room, identity: vi.id, trackSid: "TR_mic", muted: true } });

    expect((await call("DELETE", `/api/meetings/${meetingId}/participants/${vi.id}`, olga)).status).toBe(200);
    expect(await vis.left).toBe(4); // PARTICIPANT_REMOVED
    const again = await call("DELETE", `/api/meetings/${meetingId}/participants/${vi.id}`, olga);
    expect(again.status).toBe(404);
    expect(again.json.error.id).toBe("not_in_meeting");
  });
});

describe("document membership rules the meeting", () => {
  it("removing a member removes them from the live meeting before the REST call returns", async () => {
    const { docId, meetingId, room } = await meetingDoc();
    const vis = await signalJoin(world.double, (await meetingToken(url, meetingId, vi)).token);
    const eds = await signalJoin(world.double, (await meetingToken(url, meetingId, ed)).token);
    await world.double.webhooks.idle(); // their joins are applied
    const before = calls("RemoveParticipant").length;
    expect((await call("DELETE", `/api/docs/${docId}/members/${vi.id}`, olga)).status).toBe(200);
    // Checked synchronously after the response: no waiting.
    expect(calls("RemoveParticipant").slice(before)).toEqual([{ method: "RemoveParticipant", status: 200, body: expect.objectContaining({ room, identity: vi.id }) }]);
    expect(world.double.rooms.participants(room).map((p) => p.identity)).toEqual([ed.id]);
    expect(await vis.left).toBe(4);
    expect((await call("POST", `/api/meetings/${meetingId}/token`, vi)).status).toBe(404);
    eds.close();
  });

  it("a participant who is no longer a member is removed when LiveKit reports them joining", async () => {
    const { docId, meetingId, room } = await meetingDoc();
    const { token } = await meetingToken(url, meetingId, vi);
    // Access goes while the token is still valid, and LiveKit was not told (as if it had been down).
    world.double.roomService.beforeCall = (m) => {
      if (m === "RemoveParticipant") throw new Error("down");
    };
    await call("DELETE", `/api/docs/${docId}/members/${vi.id}`, olga);
    world.double.roomService.beforeCall = undefined;
    const vis = await signalJoin(world.double, token);
    expect(await vis.left).toBe(4);
    await waitFor(() => world.double.rooms.participants(room).length === 0, "vi removed");
  });
});

describe("reconciliation with LiveKit", () => {
  it("ends a meeting whose room_finished webhook never came", async () => {
    const { docId, meetingId, room } = await meetingDoc();
    const page = await openPage(url, docId, olga);
    world.double.webhooks.hold();
    world.double.rooms.delete(room);
    world.double.webhooks.discard(); // room_finished is lost
    // A positive control: nothing ended it yet.
    expect((await call("GET", `/api/docs/${docId}/meetings`, olga)).json.meetings[0].state).toBe("live");
    const result = await world.server.services.meetings.reconcile();
    expect(result.ended).toContain(meetingId);
    expect((await call("GET", `/api/docs/${docId}/meetings`, olga)).json.meetings[0]).toMatchObject({ id: meetingId, state: "ended" });
    await page.waitNotice((n) => n.meetingId === meetingId && n.state === "ended", "ended notice");
    page.close();
  });

  it("deletes the room of an ended meeting and removes people who lost access", async () => {
    const { docId, meetingId, room } = await meetingDoc();
    const vis = await signalJoin(world.double, (await meetingToken(url, meetingId, vi)).token);
    await world.double.webhooks.idle();
    // Membership changes straight in the store (as another process or path might): nobody told LiveKit.
    await world.server.services.members.remove(docId, vi.id);
    const result = await world.server.services.meetings.reconcile();
    expect(result.removed).toEqual([vi.id]);
    expect(await vis.left).toBe(4);

    await world.server.services.meetings.store.end(meetingId, "host", new Date().toISOString());
    expect((await world.server.services.meetings.reconcile()).roomsDeleted).toEqual([room]);
    expect(world.double.rooms.room(room)).toBeUndefined();
  });
});
