import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MinutesView } from "@confer/shared";
import { api, createDoc, signup, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { requireSpeechTools, speakerRecording, type ScriptLine } from "./speech.ts";
import { startMinutesWorld, type MinutesWorld } from "./minutesHelpers.ts";

/**
 * One speaker's microphone, heard in real time (the double's egress records only the part of it
 * that was said while the egress ran, as LiveKit's does). Recording is on from the start, switched
 * off after the first line, on again before the third.
 */
const SCRIPT: ScriptLine[] = [
  { speaker: "olga", at: 1, text: "We decided to launch the product in March." },
  { speaker: "olga", at: 8, text: "Bob will send the secret pricing by Friday." },
  { speaker: "olga", at: 15, text: "Please review the contract by Monday." },
];
const OFF_AT_S = 6;
const ON_AT_S = 13;
const END_AT_S = 20;

let world: MinutesWorld;
let url: string;
let olga: TestUser;
let audioDir: string;

const call = (method: string, p: string, who: TestUser, body?: unknown) => api(url, method, p, { cookie: who.cookie, body });

beforeAll(async () => {
  requireSpeechTools();
  world = await startMinutesWorld();
  url = world.server.url;
  olga = await signup(url, { name: "Olga Owner", company: "Acme" });
  audioDir = tempDir("confer-speech-");
}, 60_000);
afterAll(async () => {
  await world?.close();
  if (audioDir) fs.rmSync(audioDir, { recursive: true, force: true });
});

describe("turning recording off", () => {
  it("stops recording: the minutes cover what was said while it was on, and nothing said while it was off", async () => {
    const docId = await createDoc(url, olga, "Launch plan");
    const meetingId: string = (await call("POST", `/api/docs/${docId}/meetings`, olga, { record: true })).json.id;
    const join = await signalJoin(world.double, (await meetingToken(url, meetingId, olga)).token);
    const file = speakerRecording(audioDir, "olga", SCRIPT, END_AT_S);
    const t0 = Date.now();
    world.double.publishMicrophone(`confer-${meetingId}`, olga.id, { file, startedAtMs: t0 });
    await waitFor(() => world.double.egress.active.length === 1, "the microphone recorded");
    const at = (s: number) => waitFor(() => Date.now() >= t0 + s * 1000, `${s} s into the meeting`, (s + 10) * 1000);

    await at(OFF_AT_S);
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: false })).json).toMatchObject({ recording: false });
    expect(world.double.egress.active).toHaveLength(0);
    await at(ON_AT_S);
    expect((await call("POST", `/api/meetings/${meetingId}/recording`, olga, { on: true })).json).toMatchObject({ recording: true });
    expect(world.double.egress.active).toHaveLength(1);
    await at(END_AT_S);
    expect((await call("POST", `/api/meetings/${meetingId}/end`, olga)).status).toBe(200);
    join.close();

    const view = (await waitFor(
      async () => {
        const v = (await call("GET", `/api/meetings/${meetingId}/minutes`, olga)).json as MinutesView;
        return v.state === "done" || v.state === "failed" ? v : undefined;
      },
      "minutes done",
      120_000,
    ))!;
    expect(view.state).toBe("done");
    expect(view.recordings).toHaveLength(2);
    const said = view.transcript!.map((l) => l.text).join(" ").toLowerCase();
    expect(said).toMatch(/launch .*product in march/);
    expect(said).toMatch(/review .*contract/);
    expect(said).not.toMatch(/secret|pricing|friday/);
    expect(view.decisions!.join(" ")).toMatch(/launch .*product in march/i);
    expect(view.actionItems!.map((a) => a.due)).not.toContain("Friday");
  }, 180_000);
});
