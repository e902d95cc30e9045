// The real livekit-client, in headless Chromium, connects to the double: signal path, JoinResponse,
// and the werift peer that Room.connect() waits for.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DirectFileOutput, EgressClient, EgressStatus, RoomServiceClient } from "livekit-server-sdk";
import { LiveKitDouble } from "../src/index.ts";
import { joinToken } from "./helpers.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let double: LiveKitDouble;
let site: http.Server;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  double = await LiveKitDouble.start({ departureMs: 500 });
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./page/entry.ts", import.meta.url))],
    bundle: true,
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0]!.text;
  site = http.createServer((req, res) => {
    if (req.url === "/bundle.js") res.writeHead(200, { "Content-Type": "text/javascript" }).end(js);
    else res.writeHead(200, { "Content-Type": "text/html" }).end('<!doctype html><title>panel</title><script src="/bundle.js"></script>');
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // A fake microphone (Chromium's beep) for the Track Egress test.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await double?.close();
  await new Promise((r) => site?.close(r));
});

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(siteUrl);
  return page;
}

const waitEvent = (page: Page, name: string, arg: string) =>
  page.waitForFunction(([n, a]) => window.events.some((e) => e.name === n && e.arg === a), [name, arg], { timeout: 15_000 });

describe("livekit-client in Chromium", () => {
  it("connects, sees another participant, and is disconnected by RemoveParticipant", async () => {
    const ann = await openPage();
    const joined = await ann.evaluate(([u, t]) => window.joinRoom(u!, t!), [double.url, await joinToken(double, "ann", "browser-room")]);
    expect(joined).toMatchObject({ ok: true, identity: "ann", remotes: [] });

    const bo = await openPage();
    const second = await bo.evaluate(([u, t]) => window.joinRoom(u!, t!), [double.url, await joinToken(double, "bo", "browser-room")]);
    expect(second).toMatchObject({ ok: true, remotes: ["ann"] });
    await waitEvent(ann, "participantConnected", "bo");

    await new RoomServiceClient(double.httpUrl, "devkey", "secret").removeParticipant("browser-room", "bo");
    await waitEvent(bo, "disconnected", "PARTICIPANT_REMOVED");
    await waitEvent(ann, "participantDisconnected", "bo");
  });

  it("fails to connect with a token the double refuses", async () => {
    const page = await openPage();
    const result = await page.evaluate(([u, t]) => window.joinRoom(u!, t!), [double.url, await joinToken(double, "eve", "browser-room", { secret: "forged" })]);
    expect(result.ok).toBe(false);
  });

  it("publishes a microphone, and Track Egress records what it sends to Ogg/Opus", async () => {
    const page = await openPage();
    await page.evaluate(([u, t]) => window.joinRoom(u!, t!), [double.url, await joinToken(double, "mic", "egress-room")]);
    const trackSid = await page.evaluate(() => window.publishMicrophone());
    expect(trackSid).toMatch(/^TR_/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-egress-browser-"));
    const filepath = path.join(dir, "mic.ogg");
    const egress = new EgressClient(double.httpUrl, "devkey", "secret");
    const started = await egress.startTrackEgress("egress-room", new DirectFileOutput({ filepath }), trackSid);
    // Let the browser send a second or so of audio (Opus: 50 packets a second) into the recording.
    const before = await page.evaluate(() => window.microphonePacketsSent());
    await expect.poll(() => page.evaluate(() => window.microphonePacketsSent()), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 60);
    const ended = await egress.stopEgress(started.egressId);
    expect(ended.status).toBe(EgressStatus.EGRESS_COMPLETE);
    expect(ended.fileResults[0]!.filename).toBe(filepath);
    const file = fs.readFileSync(filepath);
    expect(file.subarray(0, 4).toString()).toBe("OggS");
    expect(file.includes(Buffer.from("OpusHead"))).toBe(true);
    expect(file.length).toBeGreaterThan(2000);
    // ffmpeg decodes the whole file, and it lasts about as long as the browser sent audio.
    const seconds = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", filepath]).toString());
    execFileSync("ffmpeg", ["-v", "error", "-i", filepath, "-f", "null", "-"]);
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(30);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
