import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessToken, DirectFileOutput, EgressClient, EgressStatus, RoomServiceClient, TrackSource, TrackType, TwirpError, WebhookReceiver } from "livekit-server-sdk";
import { ListEgressRequest } from "@livekit/protocol";
import { LiveKitDouble } from "../src/index.ts";
import { joinToken, signalConnect, until } from "./helpers.ts";

let double: LiveKitDouble;
let dir: string;
const egress = () => new EgressClient(double.httpUrl, "devkey", "secret");

beforeAll(async () => {
  double = await LiveKitDouble.start({ peer: false, departureMs: 50 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-egress-"));
});
afterAll(async () => {
  await double.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A room with one participant who publishes a microphone carrying `audio`. */
async function roomWithMic(room: string, audio?: string) {
  await new RoomServiceClient(double.httpUrl, "devkey", "secret").createRoom({ name: room });
  const ann = await signalConnect(double, await joinToken(double, "ann", room));
  await ann.next("join");
  const track = double.publishMicrophone(room, "ann", audio ? { file: audio, startedAtMs: 1_700_000_000_123 } : undefined);
  return { ann, track };
}

describe("Track Egress", () => {
  it("records a track to the file asked for and reports it in egress_ended, in Unix nanoseconds", async () => {
    const source = path.join(dir, "source.ogg");
    fs.writeFileSync(source, "OggS fake audio");
    const { ann, track } = await roomWithMic("rec", source);
    expect(track).toMatchObject({ type: TrackType.AUDIO, source: TrackSource.MICROPHONE });
    const filepath = path.join(dir, "out", "ann.ogg");
    const info = await egress().startTrackEgress("rec", new DirectFileOutput({ filepath }), track.sid);
    expect(info.egressId).toMatch(/^EG_/);
    expect(info.status).toBe(EgressStatus.EGRESS_STARTING);
    expect((await egress().listEgress({ roomName: "rec", active: true })).map((e) => e.egressId)).toEqual([info.egressId]);

    // The participant leaves: the track ends, and so does its egress.
    ann.ws.close();
    await until(() => double.webhooks.deliveries.some((d) => d.event.event === "egress_ended"), "egress_ended");
    expect(fs.readFileSync(filepath, "utf8")).toBe("OggS fake audio");
    const events = double.webhooks.deliveries.map((d) => d.event.event);
    expect(events).toEqual(expect.arrayContaining(["track_published", "egress_started", "egress_ended"]));
    const ended = double.webhooks.deliveries.find((d) => d.event.event === "egress_ended")!;
    const parsed = await new WebhookReceiver("devkey", "secret").receive(ended.body, ended.authorization);
    expect(parsed.egressInfo?.status).toBe(EgressStatus.EGRESS_COMPLETE);
    expect(parsed.egressInfo?.fileResults[0]).toMatchObject({ filename: filepath, startedAt: 1_700_000_000_123_000_000n });
    // int64 times are strings in the JSON body, as protojson writes them.
    expect(JSON.parse(ended.body).egressInfo.fileResults[0].startedAt).toBe("1700000000123000000");
  });

  it("needs roomRecord, and a published track", async () => {
    const { track } = await roomWithMic("guarded");
    // A token with every room grant but roomRecord: Twirp's unauthenticated, as LiveKit answers.
    const at = new AccessToken("devkey", "secret", { ttl: 60 });
    at.addGrant({ room: "guarded", roomAdmin: true, roomCreate: true, roomList: true });
    const res = await fetch(`${double.httpUrl}/twirp/livekit.Egress/StartTrackEgress`, {
      method: "POST",
      headers: { authorization: `Bearer ${await at.toJwt()}`, "content-type": "application/json" },
      body: JSON.stringify({ room_name: "guarded", track_id: track.sid, file: { filepath: path.join(dir, "x.ogg") } }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "unauthenticated", msg: "permissions denied" });
    const badKey = new EgressClient(double.httpUrl, "devkey", "wrong-secret");
    await expect(badKey.startTrackEgress("guarded", new DirectFileOutput({ filepath: path.join(dir, "x.ogg") }), track.sid)).rejects.toBeInstanceOf(TwirpError);
    const missing = await egress()
      .startTrackEgress("guarded", new DirectFileOutput({ filepath: path.join(dir, "y.ogg") }), "TR_nope")
      .catch((e: TwirpError) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it("StopEgress ends it at once; a track without media fails, as an egress that received nothing does", async () => {
    const { track } = await roomWithMic("silent");
    const info = await egress().startTrackEgress("silent", new DirectFileOutput({ filepath: path.join(dir, "silent.ogg") }), track.sid);
    const stopped = await egress().stopEgress(info.egressId);
    expect(stopped.status).toBe(EgressStatus.EGRESS_FAILED);
    expect(fs.existsSync(path.join(dir, "silent.ogg"))).toBe(false);
    const again = await egress()
      .stopEgress(info.egressId)
      .catch((e: TwirpError) => e);
    expect(again).toMatchObject({ status: 412 });
  });

  it("two egresses of one track record what arrived between each one's start and stop: two overlapping files, each with its own start", async () => {
    // A 10-second tone, arriving in real time since a second ago (Ogg pages of 20 ms, as WebRTC's Opus frames).
    const tone = path.join(dir, "tone.ogg");
    execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=10", "-ar", "48000", "-c:a", "libopus", "-page_duration", "20000", tone]);
    const audioStartMs = Date.now() - 1000;
    await new RoomServiceClient(double.httpUrl, "devkey", "secret").createRoom({ name: "parts" });
    const bea = await signalConnect(double, await joinToken(double, "bea", "parts"));
    await bea.next("join");
    const track = double.publishMicrophone("parts", "bea", { file: tone, startedAtMs: audioStartMs });
    const first = await egress().startTrackEgress("parts", new DirectFileOutput({ filepath: path.join(dir, "parts", "a.ogg") }), track.sid);
    await new Promise((r) => setTimeout(r, 1500));
    const second = await egress().startTrackEgress("parts", new DirectFileOutput({ filepath: path.join(dir, "parts", "b.ogg") }), track.sid);
    await new Promise((r) => setTimeout(r, 500));
    const a = await egress().stopEgress(first.egressId);
    // The participant leaves: the second one ends too, with the rest of the prepared audio.
    bea.ws.close();
    await until(() => double.webhooks.deliveries.some((d) => d.event.event === "egress_ended" && d.event.egressInfo?.egressId === second.egressId), "the second egress_ended");
    const b = double.egress.list(new ListEgressRequest({ egressId: second.egressId })).items[0]!;
    expect([a.status, b.status]).toEqual([EgressStatus.EGRESS_COMPLETE, EgressStatus.EGRESS_COMPLETE]);

    const ms = (n: bigint) => Number(n / 1_000_000n);
    const [fa, fb] = [a.fileResults[0]!, b.fileResults[0]!];
    // Each file starts where its egress started (to a page), not where the track's audio did.
    expect(Math.abs(ms(fa.startedAt) - ms(first.startedAt))).toBeLessThan(50);
    expect(Math.abs(ms(fb.startedAt) - ms(second.startedAt))).toBeLessThan(50);
    // The first holds what arrived until it stopped; the second, the rest of the 10 seconds; they overlap.
    const lengthA = oggSeconds(path.join(dir, "parts", "a.ogg"));
    const lengthB = oggSeconds(path.join(dir, "parts", "b.ogg"));
    expect(Math.abs(ms(fa.startedAt) + lengthA * 1000 - ms(a.endedAt))).toBeLessThan(60);
    expect(Math.abs(ms(fb.startedAt) + lengthB * 1000 - (audioStartMs + 10_000))).toBeLessThan(60);
    expect(ms(fa.startedAt) + lengthA * 1000).toBeGreaterThan(ms(fb.startedAt) + 300);
    // Both are Ogg/Opus files a decoder reads to the end.
    for (const f of ["a.ogg", "b.ogg"]) execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-xerror", "-i", path.join(dir, "parts", f), "-f", "null", "-"]);
  });
});

/** Seconds of audio in an Ogg/Opus file: its last granule position, less the pre-skip. */
function oggSeconds(file: string): number {
  const buf = fs.readFileSync(file);
  const head = buf.indexOf("OpusHead");
  const last = buf.lastIndexOf("OggS");
  return Number(buf.readBigInt64LE(last + 6) - BigInt(buf.readUInt16LE(head + 10))) / 48000;
}
