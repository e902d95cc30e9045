import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, signup, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { startMinutesWorld, type MinutesWorld } from "./minutesHelpers.ts";
import { deleteWhileRecording, filesUnder, finishedMeeting, recordedMeeting, servedRecording, startTranscriptionStub, toneFile, type TranscriptionStub } from "./deletionHelpers.ts";

/**
 * Deleting a document deletes what its meetings recorded: every file in RECORDINGS_DIR (each part of
 * a rotated recording too), with the rows; minutes jobs of its meetings are called off; an egress
 * that reports its file only after the deletion leaves nothing behind either.
 */
let world: MinutesWorld;
let stub: TranscriptionStub;
let url: string;
let recordingsDir: string;
let olga: TestUser;
let ed: TestUser;
let dir: string;
let tone: string;

const call = (method: string, p: string, who: TestUser, body?: unknown) => api(url, method, p, { cookie: who.cookie, body });
const db = () => world.server.services.db;
const count = async (table: "meeting_recordings" | "meeting_transcripts" | "meeting_minutes", meetingId: string) =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("meeting_id", "=", meetingId).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  stub = await startTranscriptionStub();
  // Parts of one second, so every microphone is recorded in several files; one job at a time.
  world = await startMinutesWorld({ TRANSCRIBE_URL: stub.url, RECORDING_CHUNK_SECONDS: "1", MINUTES_WORKERS: "1" });
  url = world.server.url;
  recordingsDir = world.server.services.config.minutes.recordingsDir;
  [olga, ed] = await Promise.all([signup(url, { name: "Olga Owner", company: "Acme" }), signup(url, { name: "Ed Editor", company: "Acme" })]);
  dir = tempDir("confer-deletion-");
  tone = toneFile(dir);
}, 60_000);
afterAll(async () => {
  await world?.close();
  await stub?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("deleting a document with recorded meetings (RECORDINGS_DIR)", () => {
  it("removes every recording file of its meetings, parts included, calls off their jobs, and leaves other documents' recordings served", async () => {
    // Another document's meeting, recorded and done: it must survive the deletion.
    const { kept, keptView } = await finishedMeeting(world, olga, ed, tone, "Kept");
    const keptFiles = filesUnder(recordingsDir);
    expect(keptFiles.length).toBeGreaterThanOrEqual(2);
    expect(keptFiles.every((f) => f.startsWith(`${kept.meetingId}${path.sep}`))).toBe(true);

    // The document to delete: recorded in parts, a transcription under way (held by the service).
    stub.hold = true;
    const gone = await recordedMeeting(world, olga, ed, tone, "To delete");
    const store = world.server.services.minutes.recordings;
    await waitFor(async () => (await store.forMeeting(gone.meetingId)).filter((r) => r.follows && r.state === "complete").length >= 2, "parts of the microphones", 30_000);
    await waitFor(() => stub.waiting.size === 1, "a transcription under way", 30_000);
    expect((await call("POST", `/api/meetings/${gone.meetingId}/end`, olga)).status).toBe(200);
    gone.leave();
    await world.double.webhooks.idle();
    await waitFor(async () => (await store.forMeeting(gone.meetingId)).every((r) => r.state !== "active"), "every recording ended");
    const recs = await store.forMeeting(gone.meetingId);
    const goneFiles = filesUnder(recordingsDir).filter((f) => f.startsWith(`${gone.meetingId}${path.sep}`));
    expect(goneFiles.length).toBe(recs.filter((r) => r.state === "complete").length);
    expect(goneFiles.length).toBeGreaterThanOrEqual(4);
    expect(recs.some((r) => r.follows)).toBe(true);
    const jobs = world.server.services.minutes.jobs;
    expect((await jobs.forSubject(gone.meetingId)).map((j) => j.state)).toEqual(["queued"]); // the meeting's own transcription waits for the worker

    expect((await call("DELETE", `/api/docs/${gone.docId}`, olga)).status).toBe(200);

    // Its files are gone (its folder too); the other document's are all still there.
    expect(filesUnder(recordingsDir)).toEqual(keptFiles);
    expect(fs.existsSync(path.join(recordingsDir, gone.meetingId))).toBe(false);
    for (const table of ["meeting_recordings", "meeting_transcripts", "meeting_minutes"] as const) expect([table, await count(table, gone.meetingId)]).toEqual([table, 0]);
    // The transcription under way was called off, the queued one will never run: no job is left to run.
    await waitFor(() => stub.abandoned === 1, "the transcription under way called off");
    const subjects = [gone.meetingId, ...recs.map((r) => r.egressId)];
    await waitFor(async () => {
      const states = (await Promise.all(subjects.map((s) => jobs.forSubject(s)))).flat().map((j) => j.state);
      return states.every((s) => s === "done");
    }, "every job of the deleted meeting done");
    stub.hold = false;
    await world.server.services.minutes.queue.idle();
    expect(await count("meeting_minutes", gone.meetingId)).toBe(0);
    expect(filesUnder(recordingsDir)).toEqual(keptFiles);

    // The other document's recordings are still served.
    expect(await servedRecording(world, kept.meetingId, keptView, ed)).toEqual(fs.readFileSync(tone));
  }, 120_000);

  it("a live meeting's egress that writes its file after the deletion leaves nothing behind", async () => {
    const live = await recordedMeeting(world, olga, ed, tone, "Deleted while recording");
    // LiveKit does not close the room at once: its egresses are still recording when the rows go,
    // then write their files and report them (egress_ended).
    const { recording, ended } = await deleteWhileRecording(world, live, olga);
    expect(await count("meeting_recordings", live.meetingId)).toBe(0);
    expect(recording).toBeGreaterThanOrEqual(2);
    for (const d of ended) {
      expect(d.status).toBe(200);
      expect(d.event.egressInfo!.fileResults[0]!.filename.startsWith(path.join(recordingsDir, live.meetingId) + path.sep)).toBe(true);
    }
    expect(filesUnder(recordingsDir).filter((f) => f.startsWith(`${live.meetingId}${path.sep}`))).toEqual([]);
    live.leave();
  }, 60_000);
});
