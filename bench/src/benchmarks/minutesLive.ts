import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { WebSocket } from "ws";
import * as decoding from "lib0/decoding";
import { LiveKitDouble } from "@confer/livekit-double";
import { importConferServer } from "../lib/conferServer.ts";
import { printTable } from "../lib/format.ts";
import { readWav, say, writeWav } from "../../../server/tests/speech.ts";

/** What the long-meeting measure found. */
export interface LiveMeetingResult {
  /** The meeting's length on its own clock (minutes of audio per microphone). */
  meetingMinutes: number;
  /** How many times faster than real time the audio was delivered. */
  clock: number;
  speakers: number;
  /** Seconds of speech in all the tracks together. */
  speechSeconds: number;
  /** RECORDING_CHUNK_SECONDS the server ran with (wall seconds: the meeting's 120 s divided by the clock). */
  chunkSeconds: number;
  /** Parts recorded, and how many of them were transcribed before the meeting ended. */
  parts: number;
  partsTranscribedBefore: number;
  /** Host ends the meeting (room_finished follows) → "done" minutes notice, ms. */
  endToMinutesMs: number;
  transcriptLines: number;
}

/** The server internals read for the report (parts transcribed before the end), beyond conferServer.ts's contract. */
interface MinutesInternals {
  minutes?: { recordings: { forMeeting(id: string): Promise<{ egressId: string; state: string }[]>; transcripts(id: string): Promise<Map<string, unknown>> } };
}

const SPEAKERS = [
  { key: "olga", name: "Olga Owner", company: "Acme" },
  { key: "bob", name: "Bob Baker", company: "Acme" },
  { key: "priya", name: "Priya Okafor", company: "Globex" },
  { key: "kenji", name: "Kenji Sato", company: "Initech" },
];
/** What people say, a turn at a time (a turn is one or two of these). */
const LINES = [
  "Good morning everyone, let us start with the contract.",
  "Globex needs the new contract this week.",
  "I will send the updated contract by Friday.",
  "We decided to launch the product in March.",
  "Can you review the pricing by Monday?",
  "Kenji will call Initech about the invoice.",
  "The budget for the second quarter looks fine to me.",
  "I think we should ask the customer what they need first.",
  "The release is on track, but testing needs another week.",
  "Let us move on to the next item on the agenda.",
  "The support team answered every ticket within a day.",
  "We agreed that the price stays the same until June.",
  "Who can take the notes for the workshop next Tuesday?",
  "The new office opens in April, the furniture arrives next month.",
  "Sales are up ten percent compared to last year.",
  "I am not sure about the timeline, it looks tight.",
  "Please send me the slides before the board meeting.",
  "The partner in Berlin wants a call on Thursday.",
  "Thanks, that is all from my side.",
  "Our hiring plan needs two more engineers for the mobile app.",
  "The invoice from Initech is still open.",
  "Marketing will prepare the launch campaign in February.",
  "Let us check the numbers again after lunch.",
  "Okay, I will follow up with legal about the terms.",
];

/** A small seeded random generator (mulberry32), so every run says the same meeting. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Four microphones of a meeting `minutes` long: turns of one or two lines by one person at a time,
 * pauses of 0.4–2.5 s between turns (so speech fills most of the meeting, as in a discussion), each
 * person's track silence while others talk. Returns the Ogg/Opus files and the seconds of speech.
 */
function meetingAudio(dir: string, minutes: number): { files: Record<string, string>; speechSeconds: number } {
  const rate = 16000;
  const length = minutes * 60 * rate;
  const tracks = Object.fromEntries(SPEAKERS.map((s) => [s.key, new Int16Array(length)]));
  const spoken = new Map<string, Int16Array>();
  const voice = (text: string) => {
    let s = spoken.get(text);
    if (!s) {
      const wav = readWav(say(text, path.join(dir, `line-${spoken.size}.wav`)));
      if (wav.rate !== rate) throw new Error(`flite spoke at ${wav.rate} Hz, expected ${rate}`);
      s = wav.samples;
      spoken.set(text, s);
    }
    return s;
  };
  const rnd = random(42);
  let at = Math.round(1.5 * rate);
  let speech = 0;
  let last = -1;
  for (;;) {
    let who = Math.floor(rnd() * SPEAKERS.length);
    if (who === last) who = (who + 1) % SPEAKERS.length;
    last = who;
    const lines = rnd() < 0.4 ? 2 : 1;
    for (let i = 0; i < lines; i++) {
      const samples = voice(LINES[Math.floor(rnd() * LINES.length)]!);
      if (at + samples.length > length - rate) return finish();
      tracks[SPEAKERS[who]!.key]!.set(samples, at);
      at += samples.length + Math.round(0.3 * rate);
      speech += samples.length / rate;
    }
    at += Math.round((0.4 + rnd() * 2.1) * rate);
  }
  function finish() {
    const files: Record<string, string> = {};
    for (const s of SPEAKERS) {
      const wav = path.join(dir, `${s.key}.wav`);
      writeWav(wav, rate, tracks[s.key]!);
      files[s.key] = path.join(dir, `${s.key}.ogg`);
      execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", wav, "-ar", "48000", "-c:a", "libopus", "-b:a", "32k", "-page_duration", "20000", files[s.key]!], { stdio: "ignore" });
      fs.rmSync(wav);
    }
    return { files, speechSeconds: speech };
  }
}

/**
 * A long recorded meeting, transcribed while it goes on: four people, `minutes` of meeting, the
 * audio delivered `clock` times faster than real time by the LiveKit double (the recording's parts
 * RECORDING_CHUNK_SECONDS = 120 / clock wall seconds, i.e. 120 s of audio each). The server gets
 * `clock` times more audio per second than in a real meeting, so the time left after the end is an
 * upper bound for the real one. Measured: host ends the meeting → "done" minutes notice.
 */
export async function runLiveMeeting(dir: string, minutes: number, clock: number): Promise<LiveMeetingResult> {
  const audio = meetingAudio(dir, minutes);
  const chunkSeconds = Math.max(1, Math.round(120 / clock));
  const double = await LiveKitDouble.start({ peer: false, departureMs: 50 });
  const server = await importConferServer();
  const conf = server.loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: path.join(dir, "live-data"),
    LOG_LEVEL: "silent",
    LIVEKIT_URL: double.url,
    LIVEKIT_API_KEY: double.apiKey,
    LIVEKIT_API_SECRET: double.apiSecret,
    RECORDING_CHUNK_SECONDS: String(chunkSeconds),
  });
  const running = await server.startServer(conf, server.createLogger("silent"));
  const internals = running.services as unknown as MinutesInternals;
  const base = `http://127.0.0.1:${running.port}`;
  double.webhooks.url = `${base}/api/livekit/webhook`;
  const sockets: WebSocket[] = [];
  const post = async (p: string, cookie: string | undefined, body: unknown = {}) => {
    const res = await fetch(base + p, { method: "POST", headers: { ...(cookie ? { cookie } : {}), "content-type": "application/json" }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return { json: (await res.json()) as Record<string, unknown>, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! };
  };
  const me = async (cookie: string) => ({ cookie, id: ((await (await fetch(`${base}/api/me`, { headers: { cookie } })).json()) as { id: string }).id });
  const email = (n: string) => `${n}.${process.pid}.${Date.now()}@bench.example`;
  try {
    const [host, ...others] = SPEAKERS;
    const olga = await me((await post("/api/auth/signup", undefined, { name: host!.name, email: email(host!.key), password: "bench-password-1", company: host!.company })).cookie);
    const docId = (await post("/api/docs", olga.cookie, { title: "Quarterly planning" })).json.id as string;
    const people: Record<string, { id: string; cookie: string }> = { olga };
    for (const s of others) {
      const token = (await post(`/api/docs/${docId}/invites`, olga.cookie, { role: "editor", expiresInHours: 1, maxUses: 1 })).json.token as string;
      people[s.key] = await me((await post(`/api/invites/${token}/accept`, undefined, { name: s.name, email: email(s.key), password: "bench-password-1", company: s.company })).cookie);
    }
    const meetingId = ((await post(`/api/docs/${docId}/meetings`, olga.cookie, { record: true })).json as { id: string }).id;
    const done = minutesSettled(running.port, docId, olga.cookie, sockets);
    for (const [key, p] of Object.entries(people)) {
      const token = (await post(`/api/meetings/${meetingId}/token`, p.cookie)).json.token as string;
      const ws = new WebSocket(`${double.url}/rtc?access_token=${encodeURIComponent(token)}`);
      sockets.push(ws);
      await new Promise((r) => ws.once("message", r));
      void key;
    }
    const t0 = Date.now();
    for (const [key, p] of Object.entries(people)) double.publishMicrophone(`confer-${meetingId}`, p.id, { file: audio.files[key]!, startedAtMs: t0, speed: clock });
    // The meeting goes on until all its audio has arrived.
    const wallMs = (minutes * 60 * 1000) / clock;
    let lastReport = 0;
    while (Date.now() < t0 + wallMs) {
      await new Promise((r) => setTimeout(r, 1000));
      if (Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        console.log(`  live meeting: ${((Date.now() - t0) / 1000).toFixed(0)} of ${(wallMs / 1000).toFixed(0)} s`);
      }
    }
    const recs = internals.minutes ? await internals.minutes.recordings.forMeeting(meetingId) : [];
    const said = internals.minutes ? await internals.minutes.recordings.transcripts(meetingId) : new Map();
    const partsTranscribedBefore = recs.filter((r) => said.has(r.egressId)).length;
    const ended = performance.now();
    await post(`/api/meetings/${meetingId}/end`, olga.cookie);
    const endToMinutesMs = (await done) - ended;
    const view = (await (await fetch(`${base}/api/meetings/${meetingId}/minutes`, { headers: { cookie: olga.cookie } })).json()) as { state: string; transcript?: unknown[] };
    if (view.state !== "done") throw new Error(`the long meeting's minutes ended ${view.state}`);
    const parts = internals.minutes ? (await internals.minutes.recordings.forMeeting(meetingId)).length : 0;
    const live = { meetingMinutes: minutes, clock, speakers: SPEAKERS.length, speechSeconds: audio.speechSeconds, chunkSeconds, parts, partsTranscribedBefore, endToMinutesMs, transcriptLines: view.transcript?.length ?? 0 };
    printLive(live);
    return live;
  } finally {
    for (const s of sockets) s.close();
    await running.close();
    await double.close();
  }
}

function printLive(live: LiveMeetingResult): void {
  printTable(
    `Minutes: a ${live.meetingMinutes}-minute, ${live.speakers}-speaker meeting transcribed while it goes on, its audio delivered ${live.clock}× faster than real time`,
    ["measure", "value"],
    [
      ["speech in all tracks", `${(live.speechSeconds / 60).toFixed(1)} min`],
      ["part length (RECORDING_CHUNK_SECONDS, wall)", `${live.chunkSeconds} s (${live.chunkSeconds * live.clock} s of audio)`],
      ["parts transcribed before the meeting ended", `${live.partsTranscribedBefore} of ${live.parts}`],
      ["meeting ended → minutes in the document (target < 2 min)", `${(live.endToMinutesMs / 1000).toFixed(1)} s`],
      ["transcript lines", String(live.transcriptLines)],
    ],
    [`The server got ${live.clock}× more audio per second than a real meeting gives it, so a real meeting's wait is at most this.`],
  );
}

/**
 * When the minutes of the document's meeting are done (or failed), by `performance.now()`: the
 * moment an open page hears it, as a sync socket with `?notices=1` (notice frames are type 100).
 */
export function minutesSettled(port: number, docId: string, cookie: string, sockets: WebSocket[]): Promise<number> {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/collab/${docId}?notices=1`, { headers: { cookie } });
    sockets.push(ws);
    ws.on("message", (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 100) return;
      const n = JSON.parse(decoding.readVarString(d)) as { type: string; state: string };
      if (n.type === "minutes" && (n.state === "done" || n.state === "failed")) resolve(performance.now());
    });
  });
}
