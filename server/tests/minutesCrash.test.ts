import fs from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { LiveKitDouble } from "@confer/livekit-double";
import type { MinutesView } from "@confer/shared";
import { api, connect, createDoc, signup, spawnServer, synced, tempDir, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { requireSpeechTools, speakerRecording } from "./speech.ts";
import { bodyOf, minutesCount, textOf, writeCard } from "./minutesHelpers.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];
let double: LiveKitDouble | undefined;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await double?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("a server killed during transcription", () => {
  it("picks the job up after the restart and writes one set of minutes", async () => {
    requireSpeechTools();
    double = await LiveKitDouble.start({ peer: false, departureMs: 100 });
    const dataDir = tempDir("confer-crash-");
    const audioDir = tempDir("confer-crash-audio-");
    dirs.push(dataDir, audioDir);
    const env = { LIVEKIT_URL: double.url, LIVEKIT_API_KEY: double.apiKey, LIVEKIT_API_SECRET: double.apiSecret };
    const start = async () => {
      const s = await spawnServer(dataDir, env);
      children.push(s.child);
      double!.webhooks.url = `${s.url}/api/livekit/webhook`;
      return s;
    };
    let server = await start();
    const olga: TestUser = await signup(server.url, { name: "Olga Owner", company: "Acme" });
    const docId = await createDoc(server.url, olga, "Crash test");
    const meetingId: string = (await api(server.url, "POST", `/api/docs/${docId}/meetings`, { cookie: olga.cookie, body: { record: true } })).json.id;
    const editor = connect(server.url, docId, olga.cookie);
    await synced(editor.provider);
    writeCard(editor.doc, meetingId, "Before", "After");
    await waitFor(() => editor.provider.wsconnected && !editor.provider.ws?.bufferedAmount, "the card sent");
    const join = await signalJoin(double, (await meetingToken(server.url, meetingId, olga)).token);
    const lines = Array.from({ length: 4 }, (_, i) => ({ speaker: "olga", at: 1 + i * 7, text: "We decided to launch the product in March. I will send the updated contract by Friday." }));
    double.publishMicrophone(`confer-${meetingId}`, olga.id, { file: speakerRecording(audioDir, "olga", lines, 29), startedAtMs: Date.now() });
    await waitFor(() => double!.egress.active.length === 1, "the egress");
    await api(server.url, "POST", `/api/meetings/${meetingId}/end`, { cookie: olga.cookie });
    const minutesState = async () => ((await api(server.url, "GET", `/api/meetings/${meetingId}/minutes`, { cookie: olga.cookie })).json as MinutesView).state;
    await waitFor(async () => (await minutesState()) === "transcribing", "transcription under way", 30_000);

    // The engine works in the process' scratch directory under DATA_DIR/tmp, which the kill leaves behind.
    const tmp = path.join(dataDir, "tmp");
    await waitFor(() => fs.readdirSync(tmp).some((run) => fs.readdirSync(path.join(tmp, run)).some((f) => f.startsWith("confer-asr-"))), "the engine's work directory");
    const [killedRun] = fs.readdirSync(tmp);
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    join.close();
    editor.destroy();
    expect(fs.readdirSync(tmp)).toEqual([killedRun]);

    server = await start();
    // Starting, the new process removes the dead one's files at once (its pid is gone from this machine) and says so.
    const sweptLine = await waitFor(() => server.output().split("\n").find((l) => l.includes("temporary files left by processes that are gone removed")), "the sweep's log line");
    expect(JSON.parse(sweptLine!)).toMatchObject({ removed: 1, bytes: expect.any(Number) });
    expect(JSON.parse(sweptLine!).bytes).toBeGreaterThan(0);
    expect(fs.readdirSync(tmp)).not.toContain(killedRun);
    expect(fs.readdirSync(tmp)).toHaveLength(1);
    const view = await waitFor(
      async () => {
        const v = (await api(server.url, "GET", `/api/meetings/${meetingId}/minutes`, { cookie: olga.cookie })).json as MinutesView;
        return v.state === "done" || v.state === "failed" ? v : undefined;
      },
      "minutes after the restart",
      60_000,
    );
    expect(view!.state).toBe("done");
    expect(view!.actionItems?.some((a) => a.assignee?.userId === olga.id && a.due === "Friday")).toBe(true);
    const reader = connect(server.url, docId, olga.cookie);
    await synced(reader.provider);
    const body = bodyOf(reader.doc);
    expect(minutesCount(body)).toBe(1);
    expect([textOf(body[0]!), textOf(body[body.length - 1]!)]).toEqual(["Before", "After"]);
    reader.destroy();
  }, 120_000);
});
