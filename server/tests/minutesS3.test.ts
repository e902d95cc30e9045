import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import S3rver from "s3rver";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { TrackEgressRequest } from "@livekit/protocol";
import type { MinutesView } from "@confer/shared";
import { api, connect, createDoc, signup, synced, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken } from "./meetingHelpers.ts";
import { scratchFiles } from "./deletionHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { S3Storage } from "../src/minutes/storage/S3Storage.ts";
import { PermanentJobError } from "../src/minutes/JobQueue.ts";
import { createLogger } from "../src/logger.ts";
import { requireSpeechTools, speakerRecording, type ScriptLine } from "./speech.ts";
import { bodyOf, minutesCount, startMinutesWorld, textOf, writeCard, type MinutesWorld } from "./minutesHelpers.ts";

/**
 * Recordings in an S3-compatible bucket (RECORDINGS_S3_*): a real S3 server (s3rver) is started for
 * the test; the double's Track Egress uploads each speaker's Ogg/Opus there as LiveKit Egress does,
 * Confer downloads it to transcribe and streams it to members with range requests.
 */
const SCRIPT: ScriptLine[] = [
  { speaker: "olga", at: 1, text: "Good morning everyone. Let us review the contract with Globex." },
  { speaker: "bob", at: 6, text: "I will send the updated contract by Friday." },
  { speaker: "olga", at: 10, text: "We decided to launch the product in March." },
];
const SECONDS = 14;
const BUCKET = "confer-recordings";
/** s3rver's one account. */
const KEY = "S3RVER";

let s3server: S3rver;
let s3Dir: string;
let endpoint: string;
let bucket: S3Client;
let world: MinutesWorld;
let url: string;
let olga: TestUser;
let bob: TestUser;
let outsider: TestUser;
let audioDir: string;

const call = (method: string, p: string, who: TestUser | undefined, body?: unknown) => api(url, method, p, { cookie: who?.cookie, body });
const turns = <T>(xs: T[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
const objectBytes = async (key: string) => Buffer.from(await (await bucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());

beforeAll(async () => {
  requireSpeechTools();
  s3Dir = tempDir("confer-s3-");
  s3server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const address = (await s3server.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${address.port}`;
  bucket = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
  world = await startMinutesWorld({
    PUBLIC_URL: "http://confer.test",
    RECORDINGS_S3_BUCKET: BUCKET,
    RECORDINGS_S3_ENDPOINT: endpoint,
    RECORDINGS_S3_ACCESS_KEY: KEY,
    RECORDINGS_S3_SECRET: KEY,
    RECORDINGS_S3_FORCE_PATH_STYLE: "true",
    RECORDINGS_S3_PREFIX: "confer/recordings",
  });
  url = world.server.url;
  [olga, bob, outsider] = await Promise.all([
    signup(url, { name: "Olga Owner", company: "Acme" }),
    signup(url, { name: "Bob Baker", company: "Acme" }),
    signup(url, { name: "Otto Outsider", company: "Initech" }),
  ]);
  audioDir = tempDir("confer-speech-");
}, 60_000);
afterAll(async () => {
  await world?.close();
  bucket?.destroy();
  await s3server?.close().catch(() => undefined);
  for (const dir of [audioDir, s3Dir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("recordings in an S3-compatible bucket", () => {
  let meetingId: string;
  let file: string;
  let key: string;

  it("a recorded meeting is uploaded by Egress to the bucket under a key the server chose, transcribed from it into minutes", async () => {
    const docId = await createDoc(url, olga, "Globex contract review");
    await call("POST", `/api/docs/${docId}/members`, olga, { email: bob.email, role: "editor" });
    const started = await call("POST", `/api/docs/${docId}/meetings`, olga, { record: true });
    expect(started.status).toBe(201);
    meetingId = started.json.id;
    const reader = connect(url, docId, olga.cookie);
    await synced(reader.provider);
    writeCard(reader.doc, meetingId, "Agenda: the Globex contract.", "Notes written after the meeting.");

    const people = { olga, bob } as Record<string, TestUser>;
    const joins = await Promise.all(Object.values(people).map(async (who) => signalJoin(world.double, (await meetingToken(url, meetingId, who)).token)));
    const t0 = Date.now();
    for (const [name, who] of Object.entries(people)) {
      world.double.publishMicrophone(`confer-${meetingId}`, who.id, { file: speakerRecording(audioDir, name, SCRIPT, SECONDS), startedAtMs: t0 });
    }
    await waitFor(() => world.double.egress.active.length === 2, "one track egress per microphone");

    // Egress was asked to upload to the bucket, at <prefix><meeting>/<track>-<n>.ogg, with Confer's settings.
    const asked = world.double.egress.calls.filter((c) => c.method === "StartTrackEgress" && c.status === 200).map((c) => c.body as TrackEgressRequest);
    expect(asked).toHaveLength(2);
    for (const req of asked) {
      if (req.output.case !== "file") throw new Error("expected a DirectFileOutput");
      expect(req.output.value.filepath).toMatch(new RegExp(`^confer/recordings/${meetingId}/${req.trackId}-[12]\\.ogg$`));
      expect(req.output.value.output).toMatchObject({ case: "s3", value: { bucket: BUCKET, endpoint, forcePathStyle: true, accessKey: KEY, region: "us-east-1" } });
    }

    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    const view = (await waitFor(
      async () => {
        const v = (await call("GET", `/api/meetings/${meetingId}/minutes`, bob)).json as MinutesView;
        return v.state === "done" || v.state === "failed" ? v : undefined;
      },
      "minutes done",
      120_000,
    ))!;
    joins.forEach((j) => j.close());
    expect(view.state).toBe("done");
    expect(turns(view.transcript!.map((l) => l.speaker.userId))).toEqual([olga.id, bob.id, olga.id]);
    expect(view.actionItems!.map((a) => [a.assignee?.userId, a.due])).toEqual([[bob.id, "Friday"]]);
    expect(view.decisions!.join(" ")).toMatch(/launch .*product in march/i);
    expect(view.recordings).toHaveLength(2);
    await waitFor(() => minutesCount(bodyOf(reader.doc)) === 1, "minutes in the document");
    expect(bodyOf(reader.doc).map(textOf).join("\n")).toMatch(/Bob: send .*contract — by Friday/);
    reader.destroy();

    // The recordings are objects in the bucket (egress_ended named them), not files on Confer's disk;
    // the temporary downloads for transcription are gone.
    const listed = await bucket.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `confer/recordings/${meetingId}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    expect(keys).toEqual(asked.map((r) => (r.output.value as { filepath: string }).filepath).sort());
    const ended = world.double.webhooks.deliveries.filter((d) => d.event.event === "egress_ended").map((d) => d.event.egressInfo!.fileResults[0]!);
    expect(ended.map((f) => f.filename).sort()).toEqual(keys);
    expect(ended.every((f) => f.location === `${endpoint}/${BUCKET}/${f.filename}`)).toBe(true);
    expect(fs.existsSync(path.join(world.dataDir, "recordings", meetingId))).toBe(false);
    expect(scratchFiles(world.dataDir)).toEqual([]);
    file = view.recordings![0]!.file;
    key = keys.find((k) => k.endsWith(`/${file}`))!;
    expect(key).toBeDefined();
  }, 240_000);

  it("members play a recording from the bucket with range requests; others learn nothing", async () => {
    const stored = await objectBytes(key);
    expect(stored.subarray(0, 4).toString()).toBe("OggS");
    const get = (headers: Record<string, string>, who: TestUser | null = bob) =>
      fetch(`${url}/api/meetings/${meetingId}/recordings/${file}`, { headers: { ...headers, ...(who ? { cookie: who.cookie } : {}) } });

    const whole = await get({});
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/ogg");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(stored)).toBe(true);

    const ranged = await get({ range: "bytes=100-199" });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 100-199/${stored.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(stored.subarray(100, 200))).toBe(true);

    const tail = await get({ range: "bytes=-10" });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(stored.subarray(stored.length - 10))).toBe(true);

    const beyond = await get({ range: `bytes=${stored.length + 10}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${stored.length}`);

    expect((await get({}, outsider)).status).toBe(404);
    expect((await get({ range: "bytes=0-9" }, null)).status).toBe(401);
    expect((await call("GET", `/api/meetings/${meetingId}/recordings/..%2F..%2F${BUCKET}`, bob)).status).toBe(404);
    expect((await call("GET", `/api/meetings/${meetingId}/recordings/nothing-1.ogg`, bob)).status).toBe(404);
  });

  it("a recording made in RECORDINGS_DIR before the switch to a bucket is still served from there", async () => {
    const old = path.join(world.dataDir, "recordings", meetingId, "TR_before-9.ogg");
    fs.mkdirSync(path.dirname(old), { recursive: true });
    fs.writeFileSync(old, Buffer.concat([Buffer.from("OggS"), Buffer.alloc(300, 7)]));
    const { recordings } = world.server.services.minutes;
    await recordings.insert({ egressId: "EG_before", meetingId, trackSid: "TR_before", userId: olga.id, filepath: old });
    await recordings.end("EG_before", { state: "complete", startedAtNs: null, endedAtNs: null, error: null });
    const res = await fetch(`${url}/api/meetings/${meetingId}/recordings/TR_before-9.ogg`, { headers: { cookie: bob.cookie, range: "bytes=0-3" } });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("OggS");
    expect((await fetch(`${url}/api/meetings/${meetingId}/recordings/TR_before-9.ogg`, { headers: { cookie: outsider.cookie } })).status).toBe(404);
  });

  it("a recording is downloaded for transcription only up to a bound, and the temporary file is always removed", async () => {
    const stored = await objectBytes(key);
    const tmp = path.join(world.dataDir, "tmp");
    const storage = (max: number) => new S3Storage(world.server.services.config.minutes.s3!, tmp, createLogger("silent"), max);
    const location = `s3://${BUCKET}/${key}`;
    const seen = await storage(stored.length).withLocalFile(location, new AbortController().signal, async (local) => {
      expect(path.dirname(local)).toBe(tmp);
      return fs.readFileSync(local);
    });
    expect(seen.equals(stored)).toBe(true);
    await expect(storage(stored.length - 1).withLocalFile(location, new AbortController().signal, async () => "used")).rejects.toThrow(/too large to transcribe/);
    await expect(storage(stored.length - 1).withLocalFile(location, new AbortController().signal, async () => "used")).rejects.toBeInstanceOf(PermanentJobError);
    await expect(storage(stored.length).withLocalFile(location, new AbortController().signal, async () => Promise.reject(new Error("engine crashed")))).rejects.toThrow("engine crashed");
    expect(scratchFiles(world.dataDir)).toEqual([]);
  });

  it("with the bucket unreachable, a member is told so (503), not given a broken file", async () => {
    await s3server.close();
    const res = await call("GET", `/api/meetings/${meetingId}/recordings/${file}`, bob);
    expect(res.status).toBe(503);
    expect(res.json.error).toMatchObject({ id: "recordings_unreachable" });
  });
});
