import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import S3rver from "s3rver";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { api, signup, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { startMinutesWorld, type MinutesWorld } from "./minutesHelpers.ts";
import { deleteWhileRecording, finishedMeeting, recordedMeeting, scratchFiles, servedRecording, startTranscriptionStub, toneFile, type TranscriptionStub } from "./deletionHelpers.ts";

/**
 * Deleting a document whose meetings were recorded into an S3-compatible bucket (s3rver here):
 * every object of its meetings goes, parts included, while other documents' objects stay; the
 * temporary download of a transcription under way is removed with it; an egress that uploads
 * after the deletion leaves no object behind.
 */
const BUCKET = "confer-recordings";
const PREFIX = "confer/recordings/";
/** s3rver's one account. */
const KEY = "S3RVER";

let s3server: S3rver;
let s3Dir: string;
let bucket: S3Client;
let stub: TranscriptionStub;
let world: MinutesWorld;
let url: string;
let olga: TestUser;
let ed: TestUser;
let dir: string;
let tone: string;

const call = (method: string, p: string, who: TestUser, body?: unknown) => api(url, method, p, { cookie: who.cookie, body });
const objectsOf = async (meetingId?: string) =>
  ((await bucket.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}${meetingId ? `${meetingId}/` : ""}` }))).Contents ?? []).map((o) => o.Key!).sort();

beforeAll(async () => {
  s3Dir = tempDir("confer-s3-");
  s3server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const endpoint = `http://127.0.0.1:${((await s3server.run()) as AddressInfo).port}`;
  bucket = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
  stub = await startTranscriptionStub();
  world = await startMinutesWorld({
    TRANSCRIBE_URL: stub.url,
    RECORDING_CHUNK_SECONDS: "1",
    MINUTES_WORKERS: "1",
    RECORDINGS_S3_BUCKET: BUCKET,
    RECORDINGS_S3_ENDPOINT: endpoint,
    RECORDINGS_S3_ACCESS_KEY: KEY,
    RECORDINGS_S3_SECRET: KEY,
    RECORDINGS_S3_FORCE_PATH_STYLE: "true",
    RECORDINGS_S3_PREFIX: PREFIX,
  });
  url = world.server.url;
  [olga, ed] = await Promise.all([signup(url, { name: "Olga Owner", company: "Acme" }), signup(url, { name: "Ed Editor", company: "Acme" })]);
  dir = tempDir("confer-deletion-");
  tone = toneFile(dir);
}, 60_000);
afterAll(async () => {
  await world?.close();
  await stub?.close();
  bucket?.destroy();
  await s3server?.close().catch(() => undefined);
  for (const d of [dir, s3Dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe("deleting a document with meetings recorded into a bucket", () => {
  it("deletes every object of its meetings, parts included, and the download of the transcription under way; other documents' objects stay", async () => {
    // Another document's meeting, recorded and done: it must survive the deletion.
    const { kept, keptView } = await finishedMeeting(world, olga, ed, tone, "Kept");
    const keptObjects = await objectsOf(kept.meetingId);
    expect(keptObjects.length).toBeGreaterThanOrEqual(2);

    // Recorded in parts; one part is being transcribed from its download under DATA_DIR/tmp.
    stub.hold = true;
    const gone = await recordedMeeting(world, olga, ed, tone, "To delete");
    const store = world.server.services.minutes.recordings;
    await waitFor(async () => (await store.forMeeting(gone.meetingId)).filter((r) => r.follows && r.state === "complete").length >= 2, "parts of the microphones", 30_000);
    await waitFor(() => stub.waiting.size === 1, "a transcription under way", 30_000);
    expect(scratchFiles(world.dataDir)).toHaveLength(1);
    expect((await call("POST", `/api/meetings/${gone.meetingId}/end`, olga)).status).toBe(200);
    gone.leave();
    await waitFor(async () => (await store.forMeeting(gone.meetingId)).every((r) => r.state !== "active"), "every recording uploaded", 30_000);
    await world.double.webhooks.idle();
    const complete = (await store.forMeeting(gone.meetingId)).filter((r) => r.state === "complete");
    expect(await objectsOf(gone.meetingId)).toHaveLength(complete.length);
    expect(complete.length).toBeGreaterThanOrEqual(4);

    expect((await call("DELETE", `/api/docs/${gone.docId}`, olga)).status).toBe(200);

    expect(await objectsOf(gone.meetingId)).toEqual([]);
    expect(await objectsOf()).toEqual(keptObjects);
    expect(await store.forMeeting(gone.meetingId)).toEqual([]);
    await waitFor(() => stub.abandoned === 1, "the transcription under way called off");
    await waitFor(() => scratchFiles(world.dataDir).length === 0, "its download removed");
    stub.hold = false;
    await world.server.services.minutes.queue.idle();
    expect(scratchFiles(world.dataDir)).toEqual([]);

    expect(await servedRecording(world, kept.meetingId, keptView, ed)).toEqual(fs.readFileSync(tone));
  }, 120_000);

  it("an egress that uploads after the deletion leaves no object behind", async () => {
    const live = await recordedMeeting(world, olga, ed, tone, "Deleted while recording");
    const { recording, ended } = await deleteWhileRecording(world, live, olga);
    expect(recording).toBeGreaterThanOrEqual(2);
    for (const d of ended) {
      expect(d.status).toBe(200);
      expect(d.event.egressInfo!.fileResults[0]!.filename.startsWith(`${PREFIX}${live.meetingId}/`)).toBe(true);
    }
    expect(await objectsOf(live.meetingId)).toEqual([]);
    live.leave();
  }, 60_000);

  it("with the bucket unreachable, the document is deleted all the same and each object left is logged, without credentials", async () => {
    const doc = await recordedMeeting(world, olga, ed, tone, "Deleted while the bucket is down");
    expect((await call("POST", `/api/meetings/${doc.meetingId}/end`, olga)).status).toBe(200);
    doc.leave();
    const store = world.server.services.minutes.recordings;
    await waitFor(async () => (await store.forMeeting(doc.meetingId)).every((r) => r.state !== "active"), "every recording uploaded", 30_000);
    const left = await objectsOf(doc.meetingId);
    expect(left.length).toBeGreaterThanOrEqual(2);
    await s3server.close();
    const warn = vi.spyOn(world.server.services.minutes.log, "warn");
    try {
      const res = await call("DELETE", `/api/docs/${doc.docId}`, olga);
      expect([res.status, res.json]).toEqual([200, { ok: true }]);
      expect((await call("GET", `/api/docs/${doc.docId}`, olga)).status).toBe(404);
      expect(await store.forMeeting(doc.meetingId)).toEqual([]);
      const logged = warn.mock.calls.filter((c) => c[1] === "could not remove the recording of a deleted document");
      expect(logged.map((c) => (c[0] as { file: string }).file).sort()).toEqual(left.map((k) => path.posix.basename(k)).sort());
      expect(JSON.stringify(warn.mock.calls)).not.toContain(KEY);
    } finally {
      warn.mockRestore();
    }
  }, 60_000);
});
