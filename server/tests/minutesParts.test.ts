import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MinutesView } from "@confer/shared";
import { api, createDoc, signup, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken, openPage } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { requireSpeechTools, speakerRecording, type ScriptLine } from "./speech.ts";
import { startMinutesWorld, type MinutesWorld } from "./minutesHelpers.ts";

/**
 * A meeting recorded in parts of a few seconds (RECORDING_CHUNK_SECONDS=4): each microphone's
 * recording is rotated to a new Track Egress while people talk, each part is transcribed while the
 * meeting goes on, and Olga's long sentence runs across the first rotation of her microphone.
 */
const CHUNK_S = 4;
const LONG = "We decided to launch the new product in March, and Bob will send the updated contract to the customer by Friday.";
const SCRIPT: ScriptLine[] = [
  { speaker: "olga", at: 1.5, text: LONG },
  { speaker: "bob", at: 11, text: "Thank you. I will review the pricing by Monday." },
];
const SECONDS = 16;

let world: MinutesWorld;
let url: string;
let olga: TestUser;
let bob: TestUser;
let audioDir: string;

const call = (method: string, p: string, who: TestUser | undefined, body?: unknown) => api(url, method, p, { cookie: who?.cookie, body });
const words = (s: string): string[] => s.toLowerCase().match(/[a-z]+/g) ?? [];

beforeAll(async () => {
  requireSpeechTools();
  world = await startMinutesWorld({ PUBLIC_URL: "http://confer.test", RECORDING_CHUNK_SECONDS: String(CHUNK_S) });
  url = world.server.url;
  [olga, bob] = await Promise.all([signup(url, { name: "Olga Owner", company: "Acme" }), signup(url, { name: "Bob Baker", company: "Acme" })]);
  audioDir = tempDir("confer-parts-");
}, 60_000);
afterAll(async () => {
  await world?.close();
  if (audioDir) fs.rmSync(audioDir, { recursive: true, force: true });
});

describe("a meeting recorded in parts", () => {
  it("each part is transcribed during the meeting; the minutes say every word once, across the rotation", async () => {
    const docId = await createDoc(url, olga, "Launch planning");
    await call("POST", `/api/docs/${docId}/members`, olga, { email: bob.email, role: "editor" });
    const page = await openPage(url, docId, olga);
    const started = await call("POST", `/api/docs/${docId}/meetings`, olga, { record: true });
    const meetingId: string = started.json.id;
    const room = `confer-${meetingId}`;
    const people = { olga, bob } as Record<string, TestUser>;
    const joins = await Promise.all(Object.values(people).map(async (who) => signalJoin(world.double, (await meetingToken(url, meetingId, who)).token)));
    await page.waitNotice((n) => n.participants.length === 2, "two in the meeting");
    const files = Object.fromEntries(Object.keys(people).map((name) => [name, speakerRecording(audioDir, name, SCRIPT, SECONDS)]));
    const t0 = Date.now();
    for (const [name, who] of Object.entries(people)) world.double.publishMicrophone(room, who.id, { file: files[name]!, startedAtMs: t0 });

    // While the meeting goes on, every microphone is recorded in parts, and the ended parts are transcribed.
    const store = world.server.services.minutes.recordings;
    const olgaParts = async () => (await store.forMeeting(meetingId)).filter((r) => r.userId === olga.id);
    await waitFor(
      async () => {
        const ended = (await olgaParts()).filter((r) => r.state === "complete");
        const said = await store.transcripts(meetingId);
        return Date.now() > t0 + SECONDS * 1000 && ended.length >= 3 && ended.every((r) => said.has(r.egressId));
      },
      "Olga's parts transcribed while the meeting goes on",
      90_000,
    );
    const before = await olgaParts();
    const transcribedBefore = await store.transcripts(meetingId);
    // Each part continues the one before (the first is the start of her track's recording), and overlaps it.
    expect(before[0]!.follows).toBeNull();
    before.slice(1).forEach((r, i) => expect(r.follows).toBe(before[i]!.egressId));
    const complete = before.filter((r) => r.state === "complete");
    for (let i = 1; i < complete.length; i++) expect(BigInt(complete[i]!.startedAtNs!)).toBeLessThan(BigInt(complete[i - 1]!.endedAtNs!));
    expect(world.double.webhooks.deliveries.some((d) => d.event.event === "room_finished")).toBe(false);
    // Parts are not starts: the bound on what people can make the server record counts two.
    expect(await store.count(meetingId, "starts")).toBe(2);
    expect(await store.count(meetingId)).toBeGreaterThanOrEqual(6);

    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    const done = await page.waitMinutes((n) => n.meetingId === meetingId && (n.state === "done" || n.state === "failed"), "minutes done", 120_000);
    expect(done).toMatchObject({ state: "done" });
    joins.forEach((j) => j.close());
    // Progress counted people, not files.
    const transcribing = page.minutes.filter((n) => n.state === "transcribing" || n.state === "writing");
    expect(transcribing.length).toBeGreaterThan(0);
    for (const n of transcribing) expect(n.speakersTotal).toBe(2);
    // What was transcribed during the meeting was not transcribed again.
    const after = await store.transcripts(meetingId);
    for (const [egressId, segments] of transcribedBefore) expect(after.get(egressId)).toEqual(segments);

    const view = (await call("GET", `/api/meetings/${meetingId}/minutes`, olga)).json as MinutesView;
    const olgaSaid = view.transcript!.filter((l) => l.speaker.userId === olga.id);
    const said = words(olgaSaid.map((l) => l.text).join(" "));
    // Her sentence, across the rotation: every word of it that was recognised, once and in order.
    const count = (w: string) => said.filter((x) => x === w).length;
    const KEY = ["decided", "launch", "product", "march", "contract", "customer", "friday"];
    for (const w of KEY) expect([w, count(w)]).toEqual([w, 1]);
    const order = KEY.map((w) => said.indexOf(w));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(view.decisions!.join(" ")).toMatch(/launch .*product in march/i);
    expect(view.actionItems!.map((a) => [a.assignee?.userId, a.due])).toEqual(expect.arrayContaining([[bob.id, "Monday"]]));
    // Each line links to the part it starts in, at the second of that part where it is said.
    const meetingStartS = Date.parse((await world.server.services.db.selectFrom("meetings").select("started_at").where("id", "=", meetingId).executeTakeFirstOrThrow()).started_at) / 1000;
    const parts = new Map((await store.forMeeting(meetingId)).map((r) => [r.filepath.split("/").pop()!, r]));
    for (const l of view.transcript!) {
      const part = parts.get(l.recording!.file)!;
      expect(part.userId).toBe(l.speaker.userId);
      const partStartS = Number(BigInt(part.startedAtNs!) / 1_000_000n) / 1000;
      expect(Math.abs(partStartS + l.recording!.at - (meetingStartS + l.start))).toBeLessThan(0.05);
    }
  }, 240_000);
});
