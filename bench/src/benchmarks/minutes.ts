import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { LiveKitDouble } from "@confer/livekit-double";
import { printTable } from "../lib/format.ts";
import { importConferServer } from "../lib/conferServer.ts";
import { readWav, requireSpeechTools, say, speakerRecording, writeWav, type ScriptLine } from "../../../server/tests/speech.ts";
import { minutesSettled, runLiveMeeting, type LiveMeetingResult } from "./minutesLive.ts";

/** Word error rate of one set of lines, without and with the meeting's biasing. */
export interface WerPair {
  plain: number;
  biased: number;
}

/** What the minutes benchmark measured. */
export interface MinutesResult {
  utterances: number;
  /** The lines the engine's settings were chosen on. */
  tuning: WerPair;
  /** Lines written afterwards and never tuned on. */
  heldOut: WerPair;
  /** Offline engine time / audio time on a minute-long recording (biased: both passes). */
  rtfPlain: number;
  rtfBiased: number;
  speakersRight: number;
  speakersTotal: number;
  /** Host ends the meeting (LiveKit's room_finished follows) → "done" notice on an open page, ms. */
  endToMinutesMs: number;
  /** 30 minutes × 4 speakers at the measured real-time factor, one worker, ms. */
  projected30x4Ms: number;
  /** A long 4-speaker meeting transcribed while it goes on (BENCH_MINUTES_MEETING minutes at BENCH_MINUTES_CLOCK× speed). */
  live?: LiveMeetingResult;
}

/** The part of the server's minutes module the bench drives (imported at run time, as conferServer.ts does). */
interface MinutesModule {
  PocketsphinxEngine: new (opts: { bias: boolean }) => { transcribe(file: string, hints: Hints, onProgress: (f: number) => void): Promise<{ text: string }[]> };
  pocketsphinxAvailable(): boolean;
  documentTerms(text: string): string[];
}
type Hints = { names: string[]; companies: string[]; terms: string[] };

/**
 * The meeting's document as its host would have prepared it before the meeting: an agenda with the
 * topics, people and companies. Written before the held-out lines and never changed to fit the
 * lines: the biasing may use only what the server knows before transcription.
 */
export const MEETING_DOCUMENT = `Globex contract review

Attendees: Olga Owner (Acme), Bob Baker (Acme), Priya Okafor (Globex), Kenji Sato (Initech)

Agenda
1. Globex contract: renewal terms, pricing, payment schedule
2. Initech: open order, invoice status, delivery dates
3. Product launch: timeline, budget, marketing
4. Action items and owners

Notes
- Last quarter Globex asked for a three-year term and volume discounts.
- Initech is waiting for the updated quote.
- Decisions and next steps go below.
`;
/** Attendees of the scripted meeting and their companies (what the server knows of them). */
const ATTENDEES = { names: ["Olga Owner", "Bob Baker", "Priya Okafor", "Kenji Sato"], companies: ["Acme", "Globex", "Initech"] };
/** Lines the engine's settings (keyword thresholds, decoder options) were chosen on. */
const UTTERANCES = [
  "Good morning everyone. Let us review the contract with Globex.",
  "Globex needs the new contract this week.",
  "I will send the updated contract by Friday.",
  "We decided to launch the product in March.",
  "Priya, can you review the pricing by Monday?",
  "Kenji will call Initech about the invoice.",
  "Okafor asked about the Globex budget.",
  "Thanks Bob. Initech signed the order yesterday.",
];
/** The same kind of meeting talk, written after the tuning and only measured, never tuned on. */
const HELD_OUT = [
  "Bob, please send Globex the revised pricing today.",
  "Kenji said Initech will pay the invoice next month.",
  "Olga wants to move the launch to April.",
  "The budget for the product is still open.",
  "Priya will draft the renewal terms for Globex.",
  "Can we meet with Initech on Thursday afternoon?",
  "Sato asked for a discount on the second order.",
  "Let us close the meeting and share the notes.",
  "Okafor agreed to the new delivery date.",
  "Baker will check the numbers before Friday.",
];
/** The scripted meeting of the end-to-end measure (three speakers, one of them external). */
const SCRIPT: ScriptLine[] = [
  { speaker: "olga", at: 1, text: UTTERANCES[0]! },
  { speaker: "priya", at: 6, text: UTTERANCES[1]! },
  { speaker: "bob", at: 10, text: UTTERANCES[2]! },
  { speaker: "olga", at: 14, text: UTTERANCES[3]! },
  { speaker: "olga", at: 19, text: UTTERANCES[4]! },
];
const SCRIPT_SECONDS = 24;

const norm = (t: string) =>
  t
    .toLowerCase()
    .replace(/[^a-z' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Word error rate: word-level edit distance over the reference length. */
export function wer(reference: string, hypothesis: string): { errors: number; words: number } {
  const r = norm(reference);
  const h = norm(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return { errors: prev[h.length]!, words: r.length };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The long meeting's length in minutes and its clock compression (env, for shorter runs). */
const LIVE_MINUTES = Number(process.env.BENCH_MINUTES_MEETING ?? 30);
const LIVE_CLOCK = Number(process.env.BENCH_MINUTES_CLOCK ?? 3);

/**
 * The minutes pipeline: word error rate of the offline engine with and without biasing by the
 * meeting's names, companies and document terms, its real-time factor, speaker attribution, and the
 * time from the end of a recorded meeting to its minutes in the document.
 */
export async function runMinutes(): Promise<MinutesResult | undefined> {
  try {
    requireSpeechTools();
  } catch (err) {
    console.log(`\nMinutes: skipped. ${(err as Error).message}`);
    return undefined;
  }
  const specifier = "@confer/server/minutes";
  const mod = (await import(specifier)) as MinutesModule;
  if (!mod.pocketsphinxAvailable()) {
    console.log("\nMinutes: skipped (pocketsphinx is not usable here).");
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-bench-minutes-"));
  try {
    // Only the long meeting (BENCH_MINUTES_LIVE_ONLY=1): its run is long enough on its own.
    if (process.env.BENCH_MINUTES_LIVE_ONLY === "1") {
      await runLiveMeeting(dir, LIVE_MINUTES, LIVE_CLOCK);
      return undefined;
    }
    const plain = new mod.PocketsphinxEngine({ bias: false });
    const biased = new mod.PocketsphinxEngine({ bias: true });
    const hints: Hints = { ...ATTENDEES, terms: mod.documentTerms(MEETING_DOCUMENT) };
    const measure = async (label: string, lines: string[], prefix: string): Promise<WerPair> => {
      const rows: string[][] = [];
      const totals = { plain: { errors: 0, words: 0 }, biased: { errors: 0, words: 0 } };
      for (const [i, text] of lines.entries()) {
        const wav = say(text, path.join(dir, `${prefix}${i}.wav`));
        const run = async (engine: typeof plain, into: { errors: number; words: number }) => {
          const hyp = (await engine.transcribe(wav, hints, () => undefined)).map((s) => s.text).join(" ");
          const w = wer(text, hyp);
          into.errors += w.errors;
          into.words += w.words;
          return { hyp, w };
        };
        const a = await run(plain, totals.plain);
        const b = await run(biased, totals.biased);
        rows.push([text, `${a.hyp} (${a.w.errors})`, `${b.hyp} (${b.w.errors})`]);
      }
      printTable(`Minutes: what the offline engine heard, ${label} (errors per line)`, ["said (flite rms)", "pocketsphinx", "pocketsphinx + meeting biasing"], rows);
      return { plain: totals.plain.errors / totals.plain.words, biased: totals.biased.errors / totals.biased.words };
    };
    const tuning = await measure("tuning lines", UTTERANCES, "u");
    const heldOut = await measure("held-out lines", HELD_OUT, "h");

    // Real-time factor on a longer recording (one process start is ~1 s: short lines overstate it):
    // the lines three times over, a second of silence after each.
    const parts = UTTERANCES.map((_, i) => readWav(path.join(dir, `u${i}.wav`)));
    const rate = parts[0]!.rate;
    const gap = new Int16Array(rate);
    const long = Int16Array.from([...Array(3)].flatMap(() => parts.flatMap((p) => [...p.samples, ...gap])));
    const longWav = path.join(dir, "long.wav");
    writeWav(longWav, rate, long);
    const longS = long.length / rate;
    const timed = async (engine: typeof plain) => {
      const t0 = performance.now();
      await engine.transcribe(longWav, hints, () => undefined);
      return (performance.now() - t0) / 1000 / longS;
    };
    const rtfPlain = await timed(plain);
    const rtfBiased = await timed(biased);

    const e2e = await endToEnd(dir);
    const result: MinutesResult = {
      utterances: UTTERANCES.length + HELD_OUT.length,
      tuning,
      heldOut,
      rtfPlain,
      rtfBiased,
      ...e2e,
      projected30x4Ms: 4 * 30 * 60 * rtfBiased * 1000,
    };
    printTable(
      `Minutes: ${UTTERANCES.length} tuning and ${HELD_OUT.length} held-out lines naming attendees and companies; a 3-speaker scripted meeting end to end`,
      ["measure", "without biasing", "with biasing"],
      [
        [`word error rate, tuning lines (${UTTERANCES.length})`, pct(tuning.plain), pct(tuning.biased)],
        [`word error rate, held-out lines (${HELD_OUT.length}; target ≤ 10% with biasing)`, pct(heldOut.plain), pct(heldOut.biased)],
        [`real-time factor of the offline engine (${longS.toFixed(0)} s recording, this machine)`, result.rtfPlain.toFixed(3), result.rtfBiased.toFixed(3)],
        ["speaker attribution (target 100%)", "–", `${result.speakersRight}/${result.speakersTotal} (${pct(result.speakersRight / Math.max(1, result.speakersTotal))})`],
        ["meeting ended → minutes in the document", "–", `${(result.endToMinutesMs / 1000).toFixed(1)} s`],
        ["30 min × 4 speakers at this RTF, one worker (target < 2 min)", "–", `${(result.projected30x4Ms / 1000).toFixed(0)} s (projected)`],
      ],
      ["Speech is flite's rms voice; real voices differ. The projection assumes transcription after the meeting, speakers one after the other."],
    );
    if (LIVE_MINUTES > 0) result.live = await runLiveMeeting(dir, LIVE_MINUTES, LIVE_CLOCK);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A signed-in person of the bench meeting. */
interface Person {
  id: string;
  cookie: string;
}

/** The scripted meeting through the real server and the LiveKit double: end → minutes, and who said what. */
async function endToEnd(dir: string): Promise<Pick<MinutesResult, "speakersRight" | "speakersTotal" | "endToMinutesMs">> {
  const double = await LiveKitDouble.start({ peer: false, departureMs: 50 });
  const server = await importConferServer();
  const conf = server.loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: path.join(dir, "data"),
    LOG_LEVEL: "silent",
    LIVEKIT_URL: double.url,
    LIVEKIT_API_KEY: double.apiKey,
    LIVEKIT_API_SECRET: double.apiSecret,
  });
  const running = await server.startServer(conf, server.createLogger("silent"));
  const base = `http://127.0.0.1:${running.port}`;
  double.webhooks.url = `${base}/api/livekit/webhook`;
  const sockets: WebSocket[] = [];
  const post = async (p: string, cookie: string | undefined, body: unknown = {}) => {
    const res = await fetch(base + p, { method: "POST", headers: { ...(cookie ? { cookie } : {}), "content-type": "application/json" }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return { json: (await res.json()) as Record<string, unknown>, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! };
  };
  const me = async (cookie: string): Promise<Person> => ({ cookie, id: ((await (await fetch(`${base}/api/me`, { headers: { cookie } })).json()) as { id: string }).id });
  const email = (n: string) => `${n}.${process.pid}.${Date.now()}@bench.example`;
  try {
    const olga = await me((await post("/api/auth/signup", undefined, { name: "Olga Owner", email: email("olga"), password: "bench-password-1", company: "Acme" })).cookie);
    const docId = (await post("/api/docs", olga.cookie, { title: "Globex contract review" })).json.id as string;
    const guest = async (name: string, company: string) => {
      const token = (await post(`/api/docs/${docId}/invites`, olga.cookie, { role: "editor", expiresInHours: 1, maxUses: 1 })).json.token as string;
      return me((await post(`/api/invites/${token}/accept`, undefined, { name, email: email(name.split(" ")[0]!), password: "bench-password-1", company })).cookie);
    };
    const people: Record<string, Person> = { olga, priya: await guest("Priya Okafor", "Globex"), bob: await guest("Bob Baker", "Acme") };
    const started = (await post(`/api/docs/${docId}/meetings`, olga.cookie, { record: true })).json as { id: string; startedAt: string };
    const done = minutesSettled(running.port, docId, olga.cookie, sockets);
    const t0 = Date.now();
    for (const [name, p] of Object.entries(people)) {
      const token = (await post(`/api/meetings/${started.id}/token`, p.cookie)).json.token as string;
      const ws = new WebSocket(`${double.url}/rtc?access_token=${encodeURIComponent(token)}`);
      sockets.push(ws);
      await new Promise((r) => ws.once("message", r));
      double.publishMicrophone(`confer-${started.id}`, p.id, { file: speakerRecording(dir, name, SCRIPT, SCRIPT_SECONDS), startedAtMs: t0 });
    }
    while (double.egress.active.length < 3) await new Promise((r) => setTimeout(r, 20));
    const ended = performance.now();
    await post(`/api/meetings/${started.id}/end`, olga.cookie);
    const endToMinutesMs = (await done) - ended;
    const view = (await (await fetch(`${base}/api/meetings/${started.id}/minutes`, { headers: { cookie: olga.cookie } })).json()) as {
      transcript?: { speaker: { userId: string }; start: number }[];
    };
    // Each line's speaker against the scripted line nearest in time (transcript times count from the meeting's start).
    const offset = (t0 - Date.parse(started.startedAt)) / 1000;
    let right = 0;
    for (const l of view.transcript ?? []) {
      const at = l.start - offset;
      const nearest = SCRIPT.reduce((a, b) => (Math.abs(b.at - at) < Math.abs(a.at - at) ? b : a));
      if (people[nearest.speaker]!.id === l.speaker.userId) right++;
    }
    return { speakersRight: right, speakersTotal: view.transcript?.length ?? 0, endToMinutesMs };
  } finally {
    for (const s of sockets) s.close();
    await running.close();
    await double.close();
  }
}
