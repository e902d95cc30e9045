import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireSpeechTools, writeWav } from "../../../tests/speech.ts";
import { OpenAiEngine, transcriptionsUrl } from "./OpenAiEngine.ts";
import { TranscriptionError } from "./types.ts";

/** What the stand-in server received. */
interface Seen {
  path: string;
  authorization: string | undefined;
  fields: Record<string, string>;
  file: { name: string; type: string; head: string; size: number } | undefined;
}

let server: http.Server;
let base: string;
let dir: string;
let audio: string;
const seen: Seen[] = [];
let answer: (res: http.ServerResponse) => void = () => undefined;

beforeAll(async () => {
  requireSpeechTools();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-openai-"));
  audio = path.join(dir, "tone.wav");
  writeWav(audio, 16000, Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin(i / 8))));
  // A stand-in for whisper.cpp's server / OpenAI: reads the multipart body as they do.
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const form = await new Response(Buffer.concat(chunks), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData();
      const fields: Record<string, string> = {};
      let file: Seen["file"];
      for (const [k, v] of form.entries()) {
        if (typeof v === "string") fields[k] = v;
        else file = { name: v.name, type: v.type, head: Buffer.from(await v.arrayBuffer()).subarray(0, 4).toString("ascii"), size: v.size };
      }
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization, fields, file });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const hints = { names: ["Priya Okafor", "Bob Baker"], companies: ["Globex"], terms: ["pricing"] };

describe("the OpenAI-compatible engine", () => {
  it("sends the recording as multipart with verbose_json and a prompt of the meeting's names, and reads the segments", async () => {
    answer = (res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({ text: "hello globex", duration: 1, segments: [{ id: 0, start: 0.2, end: 0.9, text: " Hello Globex. " }, { id: 1, start: 1, end: 1, text: " " }] }),
      );
    const engine = new OpenAiEngine({ url: `${base}/v1`, apiKey: "sk-test", model: "whisper-1" });
    const progress: number[] = [];
    const segments = await engine.transcribe(audio, hints, (f) => progress.push(f));
    expect(segments).toEqual([{ start: 0.2, end: 0.9, text: "Hello Globex." }]);
    const req = seen.at(-1)!;
    expect(req.path).toBe("/v1/audio/transcriptions");
    expect(req.authorization).toBe("Bearer sk-test");
    expect(req.fields).toMatchObject({ model: "whisper-1", response_format: "verbose_json", "timestamp_granularities[]": "segment" });
    expect(req.fields.prompt).toContain("Priya Okafor");
    expect(req.fields.prompt).toContain("Globex");
    expect(req.file).toMatchObject({ name: "audio.wav", type: "audio/wav", head: "RIFF" });
    expect(progress.at(-1)).toBe(1);
    expect(engine.name).toBe("openai:whisper-1");
  });

  it("sends a long recording in pieces (OpenAI takes 25 MB at most) and puts their segments on one timeline", async () => {
    answer = (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ text: "x", segments: [{ start: 0.1, end: 0.5, text: "piece" }] }));
    const before = seen.length;
    const segments = await new OpenAiEngine({ url: base, apiKey: undefined, model: "m" }, 0.6).transcribe(audio, hints, () => undefined);
    expect(seen.length - before).toBe(2); // 1 s of audio in 0.6 s pieces
    expect(segments.map((s) => [s.start, s.text])).toEqual([
      [0.1, "piece"],
      [0.7, "piece"],
    ]);
  });

  it("explains an error answer, a non-JSON answer and an unreachable server", async () => {
    const engine = new OpenAiEngine({ url: base, apiKey: undefined, model: "m" });
    answer = (res) => res.writeHead(500).end("model not loaded");
    await expect(engine.transcribe(audio, hints, () => undefined)).rejects.toThrow(/answered 500: model not loaded/);
    expect(seen.at(-1)!.authorization).toBeUndefined();
    answer = (res) => res.writeHead(200).end("<html>");
    await expect(engine.transcribe(audio, hints, () => undefined)).rejects.toThrow(TranscriptionError);
    const down = new OpenAiEngine({ url: "http://127.0.0.1:9/v1", apiKey: undefined, model: "m" });
    await expect(down.transcribe(audio, hints, () => undefined)).rejects.toThrow(/could not be reached/);
  });

  it("takes a base URL, a /v1 URL or the full endpoint", () => {
    expect(transcriptionsUrl("http://h:8080")).toBe("http://h:8080/v1/audio/transcriptions");
    expect(transcriptionsUrl("http://h:8080/v1/")).toBe("http://h:8080/v1/audio/transcriptions");
    expect(transcriptionsUrl("https://api.openai.com/v1/audio/transcriptions")).toBe("https://api.openai.com/v1/audio/transcriptions");
  });
});
