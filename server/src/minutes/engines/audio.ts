import fs from "node:fs";
import { run } from "./process.ts";

/** Bytes per second of 16 kHz, 16-bit mono PCM (what pocketsphinx and whisper.cpp want). */
const PCM16K_BYTES_PER_S = 32_000;
/** Longest recording converted: 4 hours. */
const MAX_SECONDS = 4 * 3600;

/**
 * Converts any recording ffmpeg reads (Ogg/Opus from Track Egress, WAV) to 16 kHz mono 16-bit WAV
 * at `out`, and returns its length in seconds. ffmpeg's resampler is deterministic (sox's dither is not).
 */
export async function toWav16k(input: string, out: string, signal?: AbortSignal): Promise<number> {
  await run("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", input, "-t", String(MAX_SECONDS), "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", out], {
    timeoutMs: 10 * 60_000,
    signal,
  });
  return Math.max(0, (fs.statSync(out).size - 44) / PCM16K_BYTES_PER_S);
}
