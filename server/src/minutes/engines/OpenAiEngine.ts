import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { toWav16k } from "./audio.ts";
import { run } from "./process.ts";
import { keyphrases } from "./bias.ts";
import { TranscriptionError, type Hints, type OnProgress, type Segment, type TranscriptionEngine } from "./types.ts";

/** How long one file may take at the endpoint. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;
/** Longest piece sent in one request: 10 minutes of 16 kHz mono WAV is 19 MB, under OpenAI's 25 MB limit. */
const CHUNK_S = 600;
/** Characters of the biasing prompt (Whisper reads about 224 tokens of it). */
const MAX_PROMPT_CHARS = 600;

/** The part of a `verbose_json` answer we read (whisper.cpp, faster-whisper-server and OpenAI all send it). */
const VerboseJson = z.object({
  text: z.string().optional(),
  duration: z.number().optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

/** Settings of an OpenAI-compatible transcription endpoint. */
export interface OpenAiSettings {
  /** The server's base URL (".../v1" or the full ".../audio/transcriptions" also work). */
  url: string;
  apiKey: string | undefined;
  model: string;
}

/** The transcriptions endpoint of a base URL. */
export function transcriptionsUrl(base: string): string {
  const url = base.replace(/\/$/, "");
  if (url.endsWith("/audio/transcriptions")) return url;
  return url.endsWith("/v1") ? `${url}/audio/transcriptions` : `${url}/v1/audio/transcriptions`;
}

/** The prompt that biases Whisper-style models towards the meeting's names and terms. */
export function biasPrompt(hints: Hints): string {
  const phrases = keyphrases(hints);
  const names = [...new Set([...hints.names, ...hints.companies])];
  const text = `Meeting with ${names.join(", ")}. Terms: ${hints.terms.join(", ")}.`;
  return (phrases.length ? text : "").slice(0, MAX_PROMPT_CHARS);
}

/**
 * Any OpenAI-compatible `/v1/audio/transcriptions` endpoint: the recording (as 16 kHz mono WAV,
 * which every implementation reads) goes up as multipart with `response_format=verbose_json` and a
 * prompt naming the attendees and terms; timed segments come back.
 */
export class OpenAiEngine implements TranscriptionEngine {
  readonly name: string;

  constructor(
    private readonly settings: OpenAiSettings,
    private readonly chunkSeconds = CHUNK_S,
  ) {
    this.name = `openai:${settings.model}`;
  }

  async transcribe(file: string, hints: Hints, onProgress: OnProgress, signal?: AbortSignal): Promise<Segment[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-asr-"));
    try {
      const wav = path.join(dir, "audio.wav");
      const seconds = await toWav16k(file, wav, signal);
      if (seconds < 0.1) return [];
      const out: Segment[] = [];
      const chunk = this.chunkSeconds;
      for (let from = 0; from < seconds; from += chunk) {
        const piece = seconds <= chunk ? wav : path.join(dir, `piece-${from}.wav`);
        if (piece !== wav) await run("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-ss", String(from), "-t", String(chunk), "-i", wav, "-c", "copy", piece], { timeoutMs: 60_000, signal });
        const segments = await this.request(piece, Math.min(chunk, seconds - from), hints, signal);
        out.push(...segments.map((x) => ({ start: x.start + from, end: x.end + from, text: x.text })));
        onProgress(Math.min(1, (from + chunk) / seconds));
      }
      return out;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** One request: a WAV file up, its segments back. */
  private async request(wav: string, seconds: number, hints: Hints, signal?: AbortSignal): Promise<Segment[]> {
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(wav)], { type: "audio/wav" }), "audio.wav");
    form.append("model", this.settings.model);
    form.append("response_format", "verbose_json");
    form.append("timestamp_granularities[]", "segment");
    form.append("language", "en");
    const prompt = biasPrompt(hints);
    if (prompt) form.append("prompt", prompt);
    const parsed = VerboseJson.safeParse(await this.post(form, signal));
    if (!parsed.success) throw new TranscriptionError("The transcription service answered with something other than verbose_json.");
    const { segments, text, duration } = parsed.data;
    if (segments) return segments.map((x) => ({ start: x.start, end: x.end, text: x.text.trim() })).filter((x) => x.text);
    return text?.trim() ? [{ start: 0, end: duration ?? seconds, text: text.trim() }] : [];
  }

  private async post(form: FormData, signal?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    let res: Response;
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      res = await fetch(transcriptionsUrl(this.settings.url), { method: "POST", headers, body: form, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (err) {
      throw new TranscriptionError(`The transcription service at ${new URL(this.settings.url).host} could not be reached (${(err as Error).message}).`);
    }
    const body = await res.text();
    if (!res.ok) throw new TranscriptionError(`The transcription service answered ${res.status}: ${body.slice(0, 200)}`);
    try {
      return JSON.parse(body);
    } catch {
      throw new TranscriptionError("The transcription service did not answer with JSON.");
    }
  }
}
