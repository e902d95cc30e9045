import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireSpeechTools, say } from "../../../tests/speech.ts";
import { documentTerms, keyphrases, mergeDetections } from "./bias.ts";
import { parseWords, PocketsphinxEngine, toSegments } from "./PocketsphinxEngine.ts";

let dir: string;
beforeAll(() => {
  requireSpeechTools();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-ps-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the offline engine", () => {
  it("reads pocketsphinx's timed words, dropping fillers and alternate-pronunciation marks", () => {
    const words = parseWords(["we decided to go", "<s> 0.040 0.100 0.999600", "we 0.110 0.300 0.9", "decided(2) 0.31 0.80 1.000100", "<sil> 0.81 2.0 1", "go 2.1 2.3 0.5", "</s> 2.3 2.4 1"]);
    expect(words.map((w) => w.word)).toEqual(["we", "decided", "go"]);
    expect(toSegments(words)).toEqual([
      { start: 0.11, end: 0.8, text: "we decided", words: [{ word: "we", start: 0.11, end: 0.3 }, { word: "decided", start: 0.31, end: 0.8 }] },
      { start: 2.1, end: 2.3, text: "go", words: [{ word: "go", start: 2.1, end: 2.3 }] },
    ]);
  });

  it("biasing puts the meeting's names where the language model heard something else", () => {
    const lm = [
      { word: "the", start: 0, end: 0.2, prob: 0.9 },
      { word: "globe", start: 0.2, end: 0.6, prob: 0.1 },
      { word: "ex", start: 0.6, end: 0.9, prob: 0.2 },
      { word: "contract", start: 1, end: 1.6, prob: 0.99 },
    ];
    const merged = mergeDetections(lm, [
      { word: "globex", start: 0.22, end: 0.88, prob: 0.9 },
      { word: "bob", start: 1.0, end: 1.5, prob: 0.9 }, // over a confident word: ignored
    ]);
    expect(merged.map((w) => w.word)).toEqual(["the", "globex", "contract"]);
    // A name the language model heard right stays once.
    const right = [{ word: "kenji", start: 0, end: 0.4, prob: 0.5 }, { word: "will", start: 0.4, end: 0.6, prob: 0.9 }];
    expect(mergeDetections(right, [{ word: "kenji", start: 0.05, end: 0.45, prob: 0.9 }]).map((w) => w.word)).toEqual(["kenji", "will"]);
    expect(keyphrases({ names: ["Priya Okafor", "Al B"], companies: ["Globex"], terms: ["pricing"] })).toEqual(["priya okafor", "priya", "okafor", "globex", "pricing"]);
    expect(documentTerms("Notes on the Globex deal. We met Initech and Globex again.")).toEqual(["globex", "initech"]);
    // An agenda's headings and list items start with capitals too: those are not names.
    expect(documentTerms("Agenda\n- Last quarter Globex asked for more.\n  * Pricing for Initech\n2) Budget\n3. Decisions")).toEqual(["globex", "initech"]);
  });

  it("transcribes flite speech, and with biasing gets the company name right", async () => {
    const wav = say("Good morning everyone. Let us review the contract with Globex.", path.join(dir, "a.wav"));
    const hints = { names: ["Olga Owner"], companies: ["Globex"], terms: [] };
    const plain = await new PocketsphinxEngine({ bias: false }).transcribe(wav, hints, () => undefined);
    const progress: number[] = [];
    const biased = await new PocketsphinxEngine({ bias: true }).transcribe(wav, hints, (f) => progress.push(f));
    const text = (s: { text: string }[]) => s.map((x) => x.text).join(" ");
    expect(text(plain)).toContain("review the contract");
    expect(text(plain)).not.toContain("globex");
    expect(text(biased)).toContain("globex");
    expect(progress.at(-1)).toBe(1);
    expect(biased[0]!.start).toBeGreaterThanOrEqual(0);
  });

  it("with an agenda's terms and an attendee's name, gets both right in a line it was not tuned on", async () => {
    const wav = say("Priya will draft the renewal terms for Globex.", path.join(dir, "b.wav"));
    const agenda = "Globex contract review\n\nAgenda\n1. Contract renewal with Globex: terms, pricing\n2. Initech order and invoice\n";
    const hints = { names: ["Priya Okafor", "Bob Baker"], companies: ["Acme"], terms: documentTerms(agenda) };
    expect(hints.terms).toEqual(["globex"]); // a list item's first word counts as a sentence start
    const text = async (bias: boolean) => (await new PocketsphinxEngine({ bias }).transcribe(wav, hints, () => undefined)).map((x) => x.text).join(" ");
    const plain = await text(false);
    expect(plain).toContain("draft the renewal terms");
    expect(plain).not.toMatch(/priya|globex/);
    expect(await text(true)).toBe("priya will draft the renewal terms for globex");
  });

  it("gets the first words of a short recording right (the speaker's first seconds are decoded once before)", async () => {
    const wav = say("Can we meet with Initech on Thursday afternoon?", path.join(dir, "c.wav"));
    const segments = await new PocketsphinxEngine({ bias: true }).transcribe(wav, { names: [], companies: ["Initech"], terms: [] }, () => undefined);
    expect(segments.map((s) => s.text).join(" ")).toBe("can we meet with initech on thursday afternoon");
    // On the recording's own clock: the line starts within its first half second.
    expect(segments[0]!.start).toBeLessThan(0.5);
  });
});
