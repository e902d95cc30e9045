import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MinutesView } from "@confer/shared";
import { MAX_RECORDING_STARTS_PER_MEETING } from "../src/store/recordings.ts";
import { api, connect, createDoc, signup, synced, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken, openPage } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { requireSpeechTools, writeWav } from "./speech.ts";
import { bodyOf, minutesCount, startMinutesWorld, textOf, type MinutesWorld } from "./minutesHelpers.ts";

let world: MinutesWorld;
let url: string;
let olga: TestUser;
let ed: TestUser;
let dir: string;
let tone: string;
let port: number;
let stub: http.Server | undefined;
let stubCalls = 0;

const call = (method: string, p: string, who: TestUser | undefined, body?: unknown) => api(url, method, p, { cookie: who?.cookie, body });
const minutesOf = async (meetingId: string) => (await call("GET", `/api/meetings/${meetingId}/minutes`, olga)).json as MinutesView;

/** A port nothing listens on (yet): the transcription service is down. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** The transcription service comes back: a stand-in speaking verbose_json. */
async function startStub(): Promise<void> {
  stub = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      stubCalls++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ text: "ed will send the invoice by friday", segments: [{ start: 0.5, end: 2, text: "Ed will send the invoice by Friday." }] }));
    });
  });
  await new Promise<void>((r) => stub!.listen(port, "127.0.0.1", r));
}

beforeAll(async () => {
  requireSpeechTools();
  port = await freePort();
  world = await startMinutesWorld({ TRANSCRIBE_URL: `http://127.0.0.1:${port}/v1`, MINUTES_MAX_ATTEMPTS: "2" });
  url = world.server.url;
  [olga, ed] = await Promise.all([signup(url, { name: "Olga Owner", company: "Acme" }), signup(url, { name: "Ed Editor", company: "Acme" })]);
  dir = tempDir("confer-tone-");
  tone = path.join(dir, "tone.wav");
  writeWav(tone, 16000, Int16Array.from({ length: 32000 }, (_, i) => Math.round(6000 * Math.sin(i / 6))));
}, 60_000);
afterAll(async () => {
  await world?.close();
  if (stub) await new Promise((r) => stub!.close(r));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A live meeting of a new document, started by olga, with ed in it. */
async function liveMeeting(record: boolean) {
  const docId = await createDoc(url, olga, "Invoices");
  await call("POST", `/api/docs/${docId}/members`, olga, { email: ed.email, role: "editor" });
  const meetingId: string = (await call("POST", `/api/docs/${docId}/meetings`, olga, { record })).json.id;
  const join = await signalJoin(world.double, (await meetingToken(url, meetingId, ed)).token);
  return { docId, meetingId, room: `confer-${meetingId}`, join };
}

describe("when transcription fails", () => {
  it("the minutes say so, and the host's Try again works once the service is back", async () => {
    const { docId, meetingId, room, join } = await liveMeeting(true);
    const page = await openPage(url, docId, olga);
    world.double.publishMicrophone(room, ed.id, { file: tone });
    await waitFor(() => world.double.egress.active.length === 1, "the egress");
    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    const failed = await page.waitMinutes((n) => n.meetingId === meetingId && n.state === "failed", "failed minutes", 30_000);
    expect(failed!.label).toMatch(/^Minutes failed: The transcription service at 127\.0\.0\.1:\d+ could not be reached/);
    expect((await minutesOf(meetingId)).state).toBe("failed");
    expect((await world.server.services.minutes.jobs.findByKey(`transcribe:${meetingId}`))!.attempts).toBe(2);
    expect((await call("POST", `/api/meetings/${meetingId}/minutes/retry`, ed)).json.error.id).toBe("not_host");

    await startStub();
    const retried = await call("POST", `/api/meetings/${meetingId}/minutes/retry`, olga);
    expect(retried.status).toBe(202);
    await page.waitMinutes((n) => n.meetingId === meetingId && n.state === "done", "done after Try again", 30_000);
    const view = await minutesOf(meetingId);
    expect(view.transcript!.map((l) => [l.speaker.userId, l.text])).toEqual([[ed.id, "Ed will send the invoice by Friday."]]);
    expect(view.actionItems).toEqual([{ assignee: { userId: ed.id, name: "Ed Editor" }, text: "send the invoice", due: "Friday" }]);
    // No card in this document: the minutes went to the end under a heading naming the meeting.
    const reader = connect(url, docId, olga.cookie);
    await synced(reader.provider);
    const body = bodyOf(reader.doc);
    expect(textOf(body[0]!)).toMatch(/^Meeting of .* UTC, started by Olga Owner$/);
    expect(minutesCount(body)).toBe(1);
    reader.destroy();
    page.close();
    join.close();
    expect(stubCalls).toBe(1);
  }, 60_000);
});

describe("a lost egress_ended", () => {
  it("is found by asking LiveKit (ListEgress), and the minutes follow", async () => {
    const { meetingId, room, join } = await liveMeeting(true);
    world.double.publishMicrophone(room, ed.id, { file: tone });
    await waitFor(() => world.double.egress.active.some((e) => e.roomName === room), "the egress");
    await world.double.webhooks.idle();
    world.double.webhooks.hold();
    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    world.double.webhooks.discard(); // participant_left, egress_ended, room_finished: never delivered
    expect((await minutesOf(meetingId)).state).toBe("recording");
    await world.server.services.minutes.sweep();
    await waitFor(async () => (await minutesOf(meetingId)).state === "done", "minutes after the sweep", 30_000);
    join.close();
  }, 60_000);
});

describe("recording", () => {
  it("hosts switch it; bad input is a 400, others get a 403, an ended meeting a 409", async () => {
    const { meetingId, room, join } = await liveMeeting(false);
    world.double.publishMicrophone(room, ed.id, { file: tone });
    await world.double.webhooks.idle();
    expect(world.double.egress.active.filter((e) => e.roomName === room)).toHaveLength(0);
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, ed, { on: true })).status).toBe(403);
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: "yes" })).status).toBe(400);
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, olga, {})).status).toBe(400);
    // Turned on: the microphone already published is recorded at once.
    const on = await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: true });
    expect(on.json).toMatchObject({ recording: true });
    expect(world.double.egress.active.filter((e) => e.roomName === room)).toHaveLength(1);
    expect((await minutesOf(meetingId)).state).toBe("recording");
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: false })).json).toMatchObject({ recording: false });
    expect(world.double.egress.active.filter((e) => e.roomName === room)).toHaveLength(0);
    // The recording that just ended is transcribed while the meeting goes on.
    await waitFor(async () => (await world.server.services.minutes.recordings.transcripts(meetingId)).size === 1, "an early transcript");
    expect((await minutesOf(meetingId)).state).toBe("recording");
    await call("POST", `/api/meetings/${meetingId}/end`, olga);
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: true })).status).toBe(409);
    join.close();
  });

  it("switching is rate limited per person: at most 60 switches in ten minutes", async () => {
    const { meetingId, join } = await liveMeeting(false);
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: i % 2 === 0 })).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(60);
    expect(statuses.at(-1)).toBe(429);
    join.close();
  }, 60_000);

  it(`a meeting records at most ${MAX_RECORDING_STARTS_PER_MEETING} tracks, however many microphones its people publish`, async () => {
    const { meetingId, room, join } = await liveMeeting(true);
    for (let i = 0; i < MAX_RECORDING_STARTS_PER_MEETING + 6; i++) world.double.publishMicrophone(room, ed.id, { file: tone });
    await world.double.webhooks.idle();
    expect(await world.server.services.minutes.recordings.count(meetingId)).toBe(MAX_RECORDING_STARTS_PER_MEETING);
    expect(world.double.egress.active.filter((e) => e.roomName === room)).toHaveLength(MAX_RECORDING_STARTS_PER_MEETING);
    await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: false });
    join.close();
  }, 60_000);
});
