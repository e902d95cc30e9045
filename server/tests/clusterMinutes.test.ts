import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LiveKitDouble } from "@confer/livekit-double";
import { api, connect, createDoc, signup, startMailServer, synced, tempDir, waitFor } from "./helpers.ts";
import { meetingToken } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { requireSpeechTools, writeWav } from "./speech.ts";
import { bodyOf, minutesCount } from "./minutesHelpers.ts";
import { freshPrefix, REDIS_URL } from "./clusterHelpers.ts";

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("meeting webhooks on several processes", () => {
  it("one room_finished delivered to two processes at once yields one set of minutes", { timeout: 120_000 }, async () => {
    requireSpeechTools();
    const dir = tempDir("confer-cluster-minutes-");
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const tone = path.join(dir, "tone.wav");
    writeWav(tone, 16000, Int16Array.from({ length: 32000 }, (_, i) => Math.round(6000 * Math.sin(i / 6))));
    let transcriptions = 0;
    const stub = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        transcriptions++;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ text: "ed will send the invoice by friday", segments: [{ start: 0.5, end: 2, text: "Ed will send the invoice by Friday." }] }));
      });
    });
    await new Promise<void>((r) => stub.listen(4340, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => stub.close(r)));
    const double = await LiveKitDouble.start({ peer: false, departureMs: 100 });
    cleanups.push(() => double.close());

    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir);
    const env = {
      DATA_DIR: dataDir,
      LIVEKIT_URL: double.url,
      LIVEKIT_API_KEY: double.apiKey,
      LIVEKIT_API_SECRET: double.apiSecret,
      TRANSCRIBE_URL: "http://127.0.0.1:4340/v1",
      MINUTES_RETRY_MS: "50",
      REDIS_URL,
      REDIS_PREFIX: freshPrefix(),
    };
    const a = await startMailServer(env);
    cleanups.push(() => a.close());
    const b = await startMailServer(env);
    cleanups.push(() => b.close());

    const olga = await signup(a.url, { name: "Olga Owner", company: "Acme" });
    const ed = await signup(a.url, { name: "Ed Editor", company: "Acme" });
    const docId = await createDoc(a.url, olga, "Invoices");
    await api(a.url, "POST", `/api/docs/${docId}/members`, { cookie: olga.cookie, body: { email: ed.email, role: "editor" } });
    double.webhooks.url = `${a.url}/api/livekit/webhook`;
    const started = await api(a.url, "POST", `/api/docs/${docId}/meetings`, { cookie: olga.cookie, body: { record: true } });
    expect(started.status).toBe(201);
    const meetingId: string = started.json.id;
    const room = `confer-${meetingId}`;
    const join = await signalJoin(double, (await meetingToken(a.url, meetingId, ed)).token);
    double.publishMicrophone(room, ed.id, { file: tone });
    await waitFor(() => double.egress.active.length === 1, "the egress");
    await double.webhooks.idle();

    double.webhooks.hold();
    join.close();
    await waitFor(() => double.webhooks.held.some((e) => e.event === "participant_left"), "participant_left");
    double.rooms.delete(room);
    await waitFor(() => double.webhooks.held.some((e) => e.event === "room_finished"), "room_finished");
    const finished = double.webhooks.held.find((e) => e.event === "room_finished")!;
    double.webhooks.held.splice(double.webhooks.held.indexOf(finished), 1);
    await double.webhooks.release();
    // Signed once, as LiveKit would, and delivered to both processes at the same moment.
    double.webhooks.url = undefined;
    const signed = await double.webhooks.deliver(finished);
    const post = (url: string) =>
      fetch(`${url}/api/livekit/webhook`, { method: "POST", headers: { Authorization: signed.authorization, "Content-Type": "application/webhook+json" }, body: signed.body });
    const [ra, rb] = await Promise.all([post(a.url), post(b.url)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);

    const reader = connect(b.url, docId, olga.cookie);
    cleanups.push(() => reader.destroy());
    await synced(reader.provider);
    await waitFor(() => minutesCount(bodyOf(reader.doc)) >= 1, "minutes in the document", 60_000);
    // Give a second writer every chance to show up.
    await new Promise((r) => setTimeout(r, 3000));
    expect(minutesCount(bodyOf(reader.doc))).toBe(1);
    expect(transcriptions).toBe(1);
    const fresh = connect(a.url, docId, olga.cookie);
    cleanups.push(() => fresh.destroy());
    await synced(fresh.provider);
    expect(minutesCount(bodyOf(fresh.doc))).toBe(1);
  });
});
