import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { toWav16k, withWarmup } from "./audio.ts";
import { dictionaryWords, keyphrases, mergeDetections, pronounce, threshold, type TimedWord } from "./bias.ts";
import { installed, run } from "./process.ts";
import type { Hints, OnProgress, Segment, TranscriptionEngine } from "./types.ts";

/** Debian's pocketsphinx-en-us model: the acoustic model, dictionary and language model. */
export const MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";
const DICT = path.join(MODEL_DIR, "cmudict-en-us.dict");
/** A pause longer than this between words starts a new transcript segment. */
const SEGMENT_GAP_S = 1.2;
/** Share of the work the language-model pass takes (the keyword pass is much faster). */
const LM_SHARE = 0.85;
/** Seconds of the recording's start decoded once before it, to adapt the cepstral mean (see `withWarmup`). */
const WARMUP_S = 8;

/**
 * Options of the language-model pass. A lower word insertion penalty (default 0.65) was the one
 * decoder change that helped on the benchmark's tuning lines without costing time (13.1% → 11.5%
 * word error rate with biasing); the language weights, wider beams, -bestpath/-fwdflat and loudness
 * normalisation moved single words back and forth (docs/benchmarks.md "Minutes").
 */
const LM_DECODER_ARGS = ["-wip", "0.2"];

/** One word line of `pocketsphinx_continuous -time yes`: "word start end probability". */
const WORD_LINE = /^(.+?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;

/** Whether the offline engine can run here (pocketsphinx, its English model, ffmpeg). */
export function pocketsphinxAvailable(): boolean {
  return installed("pocketsphinx_continuous") && installed("ffmpeg") && fs.existsSync(DICT);
}

/** Parses pocketsphinx's timed output; fillers (<s>, <sil>, [NOISE]) are dropped, "word(2)" is "word". */
export function parseWords(lines: string[]): TimedWord[] {
  const out: TimedWord[] = [];
  for (const line of lines) {
    const m = WORD_LINE.exec(line.trim());
    if (!m) continue;
    const word = m[1]!.trim().replace(/\(\d+\)$/, "");
    if (/^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(word)) continue;
    out.push({ word, start: Number(m[2]), end: Number(m[3]), prob: Number(m[4]) });
  }
  return out;
}

/** The words of the recording itself, on its own clock: what was decoded in the warm-up is dropped. */
export function afterWarmup(ws: TimedWord[], offset: number): TimedWord[] {
  return ws.filter((w) => w.start >= offset - 0.05).map((w) => ({ ...w, start: Math.max(0, w.start - offset), end: Math.max(0, w.end - offset) }));
}

/** Groups timed words into segments at pauses (each keeping its words' times, for stitching parts of a recording). */
export function toSegments(ws: TimedWord[]): Segment[] {
  const out: Segment[] = [];
  let cur: TimedWord[] = [];
  const flush = () => {
    if (cur.length) {
      const words = cur.map((w) => ({ word: w.word, start: w.start, end: w.end }));
      out.push({ start: cur[0]!.start, end: cur[cur.length - 1]!.end, text: cur.map((w) => w.word).join(" "), words });
    }
    cur = [];
  };
  for (const w of ws) {
    if (cur.length && w.start - cur[cur.length - 1]!.end > SEGMENT_GAP_S) flush();
    cur.push(w);
  }
  flush();
  return out;
}

/**
 * The offline engine: Debian's pocketsphinx (0.8 command line) on 16 kHz mono WAV made by ffmpeg.
 * The language-model pass decodes the recording's first seconds once before the recording, so that
 * its first words are not decoded with the model's average voice (`withWarmup`). Biased with what the meeting knows: a second, keyword-spotting pass (`-kws`) looks for the
 * attendees' names, companies and the document's terms (pronunciations from the CMU dictionary,
 * or flite's letter-to-sound rules for words it lacks, in a meeting dictionary) and puts what it
 * finds into the language-model transcript. `bias: false` skips that pass (the benchmark's control).
 */
export class PocketsphinxEngine implements TranscriptionEngine {
  readonly name: string;

  constructor(private readonly opts: { bias: boolean; workDir?: string } = { bias: true }) {
    this.name = opts.bias ? "pocketsphinx+bias" : "pocketsphinx";
  }

  async transcribe(file: string, hints: Hints, onProgress: OnProgress, signal?: AbortSignal): Promise<Segment[]> {
    if (this.opts.workDir) fs.mkdirSync(this.opts.workDir, { recursive: true });
    const dir = fs.mkdtempSync(path.join(this.opts.workDir ?? os.tmpdir(), "confer-asr-"));
    try {
      const wav = path.join(dir, "audio.wav");
      const seconds = await toWav16k(file, wav, signal);
      if (seconds < 0.1) return [];
      const warm = path.join(dir, "warm.wav");
      const offset = await withWarmup(wav, warm, WARMUP_S);
      const lmLines: string[] = [];
      await run("pocketsphinx_continuous", ["-infile", warm, "-time", "yes", "-logfn", "/dev/null", ...LM_DECODER_ARGS], {
        timeoutMs: Math.max(120_000, (seconds + offset) * 5000),
        signal,
        onLine: (line) => {
          lmLines.push(line);
          const last = parseWords([line])[0];
          if (last) onProgress(Math.min(1, Math.max(0, last.end - offset) / seconds) * (this.opts.bias ? LM_SHARE : 1));
        },
      });
      fs.rmSync(warm, { force: true });
      let result = afterWarmup(parseWords(lmLines), offset);
      if (this.opts.bias) {
        const detections = await this.spot(wav, dir, hints, seconds, signal);
        result = mergeDetections(result, detections);
      }
      onProgress(1);
      return toSegments(result);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The keyword pass: where the meeting's names and terms were said. */
  private async spot(wav: string, dir: string, hints: Hints, seconds: number, signal?: AbortSignal): Promise<TimedWord[]> {
    const phrases = keyphrases(hints);
    if (phrases.length === 0) return [];
    const known = await dictionaryWords(DICT);
    const extra: string[] = [];
    const usable: string[] = [];
    for (const phrase of phrases) {
      let ok = true;
      for (const w of phrase.split(" ")) {
        if (known.has(w) || extra.some((e) => e.startsWith(`${w} `))) continue;
        const phones = await pronounce(w).catch(() => undefined);
        if (phones) extra.push(`${w} ${phones}`);
        else ok = false;
      }
      if (ok) usable.push(phrase);
    }
    if (usable.length === 0) return [];
    const kws = path.join(dir, "keyphrases.txt");
    fs.writeFileSync(kws, usable.map((p) => `${p} /${threshold(p)}/`).join("\n") + "\n");
    const args = ["-infile", wav, "-time", "yes", "-kws", kws, "-logfn", "/dev/null"];
    if (extra.length) {
      const dict = path.join(dir, "meeting.dict");
      fs.copyFileSync(DICT, dict);
      fs.appendFileSync(dict, "\n" + extra.join("\n") + "\n");
      args.push("-dict", dict);
    }
    const lines: string[] = [];
    await run("pocketsphinx_continuous", args, { timeoutMs: Math.max(60_000, seconds * 2000), signal, onLine: (l) => lines.push(l) });
    return parseWords(lines).filter((w) => usable.includes(w.word));
  }
}
