import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MinutesView } from "@confer/shared";
import { api, connect, createDoc, signup, synced, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken, openPage } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { requireSpeechTools, speakerRecording, type ScriptLine } from "./speech.ts";
import { bodyOf, inviteGuest, minutesCount, startMinutesWorld, textOf, writeCard, type Json, type MinutesWorld } from "./minutesHelpers.ts";

/**
 * A scripted meeting of three speakers (one an external guest), spoken by flite per speaker, each
 * voice recorded by the double's Track Egress as its own Ogg/Opus file at its own start time.
 * Priya's microphone is published two seconds after the others: her lines are merged by absolute time.
 */
const SCRIPT: ScriptLine[] = [
  { speaker: "olga", at: 1, text: "Good morning everyone. Let us review the contract with Globex." },
  { speaker: "priya", at: 6, text: "Globex needs the new contract this week." },
  { speaker: "bob", at: 10, text: "I will send the updated contract by Friday." },
  { speaker: "olga", at: 14, text: "We decided to launch the product in March." },
  { speaker: "olga", at: 19, text: "Priya, can you review the pricing by Monday?" },
];
const SECONDS = 24;
const PRIYA_LATE_S = 2;

let world: MinutesWorld;
let url: string;
let olga: TestUser;
let bob: TestUser;
let vi: TestUser;
let outsider: TestUser;
let priya: TestUser;
let audioDir: string;

const call = (method: string, p: string, who: TestUser | undefined, body?: unknown) => api(url, method, p, { cookie: who?.cookie, body });
/** Speakers in order, a run of lines by the same person counted once (the engine may split a line at a pause). */
const turns = <T>(xs: T[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
const minutesOf = async (meetingId: string, who: TestUser = olga) => (await call("GET", `/api/meetings/${meetingId}/minutes`, who)).json as MinutesView;

beforeAll(async () => {
  requireSpeechTools();
  world = await startMinutesWorld({ PUBLIC_URL: "http://confer.test" });
  url = world.server.url;
  [olga, bob, vi, outsider] = await Promise.all([
    signup(url, { name: "Olga Owner", company: "Acme" }),
    signup(url, { name: "Bob Baker", company: "Acme" }),
    signup(url, { name: "Vi Viewer", company: "Acme" }),
    signup(url, { name: "Otto Outsider", company: "Initech" }),
  ]);
  audioDir = tempDir("confer-speech-");
}, 60_000);
afterAll(async () => {
  await world?.close();
  if (audioDir) fs.rmSync(audioDir, { recursive: true, force: true });
});

describe("a recorded meeting becomes minutes in the document", () => {
  it("every attendee, the external one marked, both action items to the right people, the decision, the transcript in speaker order; once", async () => {
    const docId = await createDoc(url, olga, "Globex contract review");
    await call("POST", `/api/docs/${docId}/members`, olga, { email: bob.email, role: "editor" });
    await call("POST", `/api/docs/${docId}/members`, olga, { email: vi.email, role: "viewer" });
    priya = await inviteGuest(url, docId, olga, { name: "Priya Okafor", company: "Globex" });

    const page = await openPage(url, docId, vi);
    const started = await call("POST", `/api/docs/${docId}/meetings`, olga, { record: true });
    expect(started.status).toBe(201);
    const meetingId: string = started.json.id;
    const room = `confer-${meetingId}`;
    // The editor puts the meeting card between two paragraphs; a stock client stays connected throughout.
    const reader = connect(url, docId, olga.cookie);
    await synced(reader.provider);
    writeCard(reader.doc, meetingId, "Agenda: the Globex contract and the pricing.", "Notes written after the meeting.");
    await page.waitNotice((n) => n.meetingId === meetingId && n.recording === true, "the recording indicator");

    const people = { olga, bob, priya } as Record<string, TestUser>;
    const joins = await Promise.all(Object.values(people).map(async (who) => signalJoin(world.double, (await meetingToken(url, meetingId, who)).token)));
    await page.waitNotice((n) => n.participants.length === 3, "three in the meeting");
    const t0 = Date.now();
    for (const [name, who] of Object.entries(people)) {
      const late = name === "priya" ? PRIYA_LATE_S : 0;
      const script = SCRIPT.map((l) => ({ ...l, at: l.at - late }));
      const file = speakerRecording(audioDir, name, script, SECONDS - late);
      world.double.publishMicrophone(room, who.id, { file, startedAtMs: t0 + late * 1000 });
    }
    await waitFor(() => world.double.egress.active.length === 3, "one track egress per microphone");

    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    const done = await page.waitMinutes((n) => n.meetingId === meetingId && (n.state === "done" || n.state === "failed"), "minutes done", 120_000);
    expect(done).toMatchObject({ state: "done", label: "Minutes are in the document" });
    expect(page.minutes.find((n) => n.state === "transcribing")).toMatchObject({ speakersTotal: 3 });
    expect(page.minutes.some((n) => /^Transcribing · \d of 3 speakers · \d+%$/.test(n.label))).toBe(true);
    expect(page.minutes.some((n) => n.label === "Writing minutes")).toBe(true);
    joins.forEach((j) => j.close());

    // The connected page got them live, at the card, with the text around it untouched.
    await waitFor(() => minutesCount(bodyOf(reader.doc)) === 1, "minutes in the open page");
    const body = bodyOf(reader.doc);
    expect(textOf(body[0]!)).toBe("Agenda: the Globex contract and the pricing.");
    expect(body[1]).toEqual({ type: "meeting_card", attrs: { meetingId } });
    expect(textOf(body[2]!)).toMatch(/^Minutes · /);
    expect(textOf(body[body.length - 1]!)).toBe("Notes written after the meeting.");
    const all = body.map(textOf).join("\n");
    expect(all).toContain("Olga Owner · Acme — joined");
    expect(all).toContain("Bob Baker · Acme — joined");
    expect(all).toContain("Priya Okafor · Globex · external — joined");
    const tasks = (body.find((b) => b.type === "task_list")?.content ?? []).map(textOf);
    expect(tasks).toEqual(expect.arrayContaining([expect.stringMatching(/^Bob: send .*contract — by Friday$/), expect.stringMatching(/^Priya: review .*pricing — by Monday$/)]));
    const decisions = textOf(body.find((b, i) => b.type === "bullet_list" && textOf(body[i - 1]!) === "Decisions")!);
    expect(decisions).toMatch(/launch .*product in march/i);
    // The transcript, folded: a summary line, then one paragraph per line.
    const fold = body.find((b) => b.type === "details")!;
    expect(textOf(fold.content![0]!)).toMatch(/^Transcript · \d+ lines · \d+ min$/);
    const quote = { ...fold, content: fold.content!.slice(1) };
    const speakers = (quote.content ?? []).map((p) => (p.content ?? []).find((t) => t.marks?.some((m) => m.type === "strong"))?.text);
    expect(turns(speakers)).toEqual(["Olga Owner:", "Priya Okafor:", "Bob Baker:", "Olga Owner:"]);
    const stamp = (quote.content![1]!.content![0] as Json).marks![0]!;
    expect(stamp.attrs!.href).toMatch(/^http:\/\/confer\.test\/api\/meetings\/.+\/recordings\/TR_[\w-]+-\d+\.ogg#t=\d+$/);

    // The same through REST, for any member (the guest too).
    const view = await minutesOf(meetingId, priya);
    expect(view.state).toBe("done");
    expect(turns(view.transcript!.map((l) => l.speaker.userId))).toEqual([olga.id, priya.id, bob.id, olga.id]);
    expect(view.transcript![1]!.start).toBeGreaterThan(5);
    expect(view.actionItems!.map((a) => [a.assignee?.userId, a.due])).toEqual(expect.arrayContaining([[bob.id, "Friday"], [priya.id, "Monday"]]));
    expect(view.recordings).toHaveLength(3);

    // Recordings: members play them with range requests; others learn nothing.
    const rec = view.recordings![0]!;
    const ranged = await fetch(`${url}/api/meetings/${meetingId}/recordings/${rec.file}`, { headers: { cookie: vi.cookie, range: "bytes=0-99" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toMatch(/^bytes 0-99\/\d+$/);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    expect(Buffer.from(await (await fetch(`${url}/api/meetings/${meetingId}/recordings/${rec.file}`, { headers: { cookie: vi.cookie } })).arrayBuffer()).subarray(0, 4).toString()).toBe("OggS");
    const beyond = await fetch(`${url}/api/meetings/${meetingId}/recordings/${rec.file}`, { headers: { cookie: vi.cookie, range: "bytes=999999999-" } });
    expect(beyond.status).toBe(416);
    expect((await call("GET", `/api/meetings/${meetingId}/recordings/${rec.file}`, outsider)).status).toBe(404);
    expect((await call("GET", `/api/meetings/${meetingId}/minutes`, outsider)).status).toBe(404);
    expect((await call("GET", `/api/meetings/${meetingId}/recordings/..%2F..%2Fconfer.sqlite`, vi)).status).toBe(404);
    expect((await call("GET", `/api/meetings/${meetingId}/recordings/${rec.file}`, undefined)).status).toBe(401);

    // Exactly once: a replayed egress_ended, the same end delivered again under a new id, a "Try again".
    const ended = world.double.webhooks.deliveries.filter((d) => d.event.event === "egress_ended");
    expect(ended).toHaveLength(3);
    expect((await world.double.webhooks.post(ended[0]!)).status).toBe(200);
    const again = ended[1]!.event.clone();
    again.id = `${again.id}-again`;
    expect((await world.double.webhooks.deliver(again)).status).toBe(200);
    expect((await call("POST", `/api/meetings/${meetingId}/minutes/retry`, olga)).json.error.id).toBe("minutes_not_failed");
    expect((await call("POST", `/api/meetings/${meetingId}/minutes/retry`, bob)).status).toBe(403);

    // A restart with the writing job caught mid-flight (it wrote, then the process died): it runs again, writes nothing.
    await world.server.services.db.updateTable("jobs").set({ state: "running" }).where("key", "=", `minutes:${meetingId}`).execute();
    reader.destroy();
    page.close();
    await world.restart();
    url = world.server.url;
    await waitFor(async () => (await world.server.services.minutes.jobs.findByKey(`minutes:${meetingId}`))?.state === "done", "the job after the restart", 30_000);
    const after = connect(url, docId, olga.cookie);
    await synced(after.provider);
    const body2 = bodyOf(after.doc);
    expect(minutesCount(body2)).toBe(1);
    expect(textOf(body2[0]!)).toBe("Agenda: the Globex contract and the pricing.");
    expect(textOf(body2[body2.length - 1]!)).toBe("Notes written after the meeting.");
    after.destroy();
    expect(fs.existsSync(path.join(world.dataDir, "recordings", meetingId))).toBe(true);
  }, 240_000);
});
