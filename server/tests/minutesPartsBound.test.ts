import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createDoc, signup, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { startMinutesWorld, type MinutesWorld } from "./minutesHelpers.ts";
import { MAX_RECORDINGS_PER_MEETING } from "../src/store/recordings.ts";

/**
 * Rotation decided on the database rows, and the bounds on recordings once they come in parts: the
 * rotation is driven by hand here (RECORDING_CHUNK_SECONDS is long; rows are made older instead).
 */
let world: MinutesWorld;
let url: string;
let olga: TestUser;
let ed: TestUser;

const call = (method: string, p: string, who: TestUser | undefined, body?: unknown) => api(url, method, p, { cookie: who?.cookie, body });
const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

beforeAll(async () => {
  world = await startMinutesWorld({ RECORDING_CHUNK_SECONDS: "600" });
  url = world.server.url;
  [olga, ed] = await Promise.all([signup(url, { name: "Olga Owner", company: "Acme" }), signup(url, { name: "Ed Editor", company: "Acme" })]);
}, 60_000);
afterAll(async () => world?.close());

describe("recording in parts", () => {
  it("one process takes a rotation on; parts do not use up the starts people can make; the meeting's files are bounded and past the bound the current part goes on", async () => {
    const docId = await createDoc(url, olga, "Invoices");
    await call("POST", `/api/docs/${docId}/members`, olga, { email: ed.email, role: "editor" });
    const meetingId: string = (await call("POST", `/api/docs/${docId}/meetings`, olga, { record: true })).json.id;
    const room = `confer-${meetingId}`;
    const join = await signalJoin(world.double, (await meetingToken(url, meetingId, ed)).token);
    const { minutes, db } = world.server.services;
    const store = minutes.recordings;
    const starts = () => world.double.egress.calls.filter((c) => c.method === "StartTrackEgress" && c.status === 200 && (c.body as { roomName: string }).roomName === room).length;
    const mic = world.double.publishMicrophone(room, ed.id);
    await waitFor(() => world.double.egress.active.length === 1, "the egress");
    // The egress is running before the server has written its row (it writes it once LiveKit answered).
    const first = await waitFor(async () => (await store.forMeeting(meetingId))[0], "the recording's row");

    // The database decides who starts a part: of two takers at once, one.
    const stale = hourAgo();
    const claims = await Promise.all([store.claimRotation(first!.egressId, stale), store.claimRotation(first!.egressId, stale)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.releaseRotation(first!.egressId);

    // Not due yet: nothing happens. Due (older than a part): one next part, however often asked.
    await minutes.rotate();
    expect(starts()).toBe(1);
    await db.updateTable("meeting_recordings").set({ created_at: hourAgo() }).where("egress_id", "=", first!.egressId).execute();
    await Promise.all([minutes.rotate(), minutes.rotate()]);
    await minutes.rotate();
    expect(starts()).toBe(2);
    const [, second] = await store.forMeeting(meetingId);
    expect(second).toMatchObject({ follows: first!.egressId, trackSid: mic.sid, state: "active" });
    // Both record until the next part has been recording a while: then the first one stops.
    expect(world.double.egress.active.map((e) => e.egressId).sort()).toEqual([first!.egressId, second!.egressId].sort());
    await db.updateTable("meeting_recordings").set({ created_at: new Date(Date.now() - 60_000).toISOString() }).where("egress_id", "=", second!.egressId).execute();
    await minutes.rotate();
    expect(world.double.egress.active.map((e) => e.egressId)).toEqual([second!.egressId]);
    await waitFor(async () => (await store.find(first!.egressId))?.state !== "active", "the first part's egress_ended");

    // Parts are not starts: a meeting with many parts still records a newly published microphone.
    const fake = (i: number, follows: string | null) => ({ egress_id: `EG_fake_${i}`, meeting_id: meetingId, track_sid: "TR_fake", user_id: ed.id, filepath: `/nowhere/TR_fake-${i}.ogg`, state: "complete", created_at: hourAgo(), follows });
    await db.insertInto("meeting_recordings").values(Array.from({ length: 100 }, (_, i) => fake(i, `EG_fake_prev_${i}`))).execute();
    world.double.publishMicrophone(room, ed.id);
    await waitFor(() => starts() === 3, "the second microphone recorded");
    expect(await store.count(meetingId, "starts")).toBe(2);

    // The files' bound: reached, no part is started and the current ones go on recording.
    const count = await store.count(meetingId);
    await db.insertInto("meeting_recordings").values(Array.from({ length: MAX_RECORDINGS_PER_MEETING - count }, (_, i) => fake(1000 + i, `EG_fake_prev_${1000 + i}`))).execute();
    expect(await store.count(meetingId)).toBe(MAX_RECORDINGS_PER_MEETING);
    await db.updateTable("meeting_recordings").set({ created_at: hourAgo() }).where("meeting_id", "=", meetingId).where("state", "=", "active").execute();
    await minutes.rotate();
    expect(starts()).toBe(3);
    expect(world.double.egress.active.filter((e) => e.roomName === room)).toHaveLength(2);
    world.double.publishMicrophone(room, ed.id);
    await world.double.webhooks.idle();
    expect(starts()).toBe(3);
    // One file fewer: the next part starts.
    await db.deleteFrom("meeting_recordings").where("egress_id", "=", "EG_fake_1000").execute();
    await minutes.rotate();
    expect(starts()).toBe(4);

    await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: false });
    expect(world.double.egress.active.filter((e) => e.roomName === room)).toHaveLength(0);
    join.close();
  }, 60_000);
});
