import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWav, writeWav } from "../../../tests/speech.ts";
import { withWarmup } from "./audio.ts";
import { afterWarmup } from "./PocketsphinxEngine.ts";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-audio-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the warm-up before a recording", () => {
  it("is the recording's first seconds and a second of silence, then the whole recording unchanged", async () => {
    const samples = Int16Array.from({ length: 16000 * 3 }, (_, i) => ((i * 37) % 2000) - 1000);
    const wav = path.join(dir, "in.wav");
    writeWav(wav, 16000, samples);
    const out = path.join(dir, "warm.wav");
    const offset = await withWarmup(wav, out, 0.5);
    expect(offset).toBe(1.5);
    const got = readWav(out);
    expect(got.rate).toBe(16000);
    expect(got.samples.length).toBe(8000 + 16000 + samples.length);
    expect([...got.samples.subarray(0, 8000)]).toEqual([...samples.subarray(0, 8000)]);
    expect(got.samples.subarray(8000, 24000).every((s) => s === 0)).toBe(true);
    expect([...got.samples.subarray(24000)]).toEqual([...samples]);
  });

  it("of a recording shorter than the warm-up is the whole recording", async () => {
    const samples = Int16Array.from({ length: 4000 }, (_, i) => i);
    const wav = path.join(dir, "short.wav");
    writeWav(wav, 16000, samples);
    const offset = await withWarmup(wav, path.join(dir, "short-warm.wav"), 8);
    expect(offset).toBe(1.25);
    expect(readWav(path.join(dir, "short-warm.wav")).samples.length).toBe(4000 + 16000 + 4000);
  });

  it("is dropped from the transcript, and the words after it are put on the recording's clock", () => {
    const words = [
      { word: "warm", start: 0.1, end: 0.4, prob: 1 },
      { word: "hello", start: 1.6, end: 2.0, prob: 0.9 },
      { word: "there", start: 2.1, end: 2.5, prob: 0.8 },
    ];
    expect(afterWarmup(words, 1.5)).toEqual([
      { word: "hello", start: expect.closeTo(0.1, 5), end: expect.closeTo(0.5, 5), prob: 0.9 },
      { word: "there", start: expect.closeTo(0.6, 5), end: expect.closeTo(1.0, 5), prob: 0.8 },
    ]);
  });
});
