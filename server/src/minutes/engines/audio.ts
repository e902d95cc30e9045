import fs from "node:fs";
import { pipeline } from "node:stream/promises";
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

/** Silence between the warm-up and the recording: long enough for the decoder to end an utterance. */
const WARMUP_GAP_S = 1;

/**
 * Writes `out`: the first `warmupS` seconds of a 16 kHz mono WAV made by `toWav16k`, a second of
 * silence, then the whole recording; returns where the recording starts in `out`, in seconds.
 * pocketsphinx normalises the cepstrum with a running mean that starts from its model's average
 * voice and adapts at each utterance's end, so the first words of a recording are decoded with a
 * mean that does not fit the speaker; decoding the speaker's first seconds once before fixes that.
 * Streams the recording (a track may be hours long).
 */
export async function withWarmup(wav: string, out: string, warmupS: number): Promise<number> {
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(wav, "r");
  let dataAt = -1;
  let dataBytes = 0;
  try {
    const n = fs.readSync(fd, head, 0, head.length, 0);
    for (let pos = 12; pos + 8 <= n; ) {
      const size = head.readUInt32LE(pos + 4);
      if (head.toString("ascii", pos, pos + 4) === "data") {
        dataAt = pos + 8;
        dataBytes = Math.min(size, fs.fstatSync(fd).size - dataAt);
        break;
      }
      pos += 8 + size + (size % 2);
    }
    if (dataAt < 0) throw new Error(`${wav}: no data chunk in the first ${head.length} bytes`);
    const prefix = Buffer.alloc(Math.min(dataBytes, Math.floor(warmupS * PCM16K_BYTES_PER_S / 2) * 2));
    fs.readSync(fd, prefix, 0, prefix.length, dataAt);
    const gap = Buffer.alloc(WARMUP_GAP_S * PCM16K_BYTES_PER_S);
    const total = prefix.length + gap.length + dataBytes;
    const header = Buffer.alloc(44);
    header.write("RIFF", 0);
    header.writeUInt32LE(Math.min(0xffffffff, 36 + total), 4);
    header.write("WAVEfmt ", 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(16000, 24);
    header.writeUInt32LE(PCM16K_BYTES_PER_S, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write("data", 36);
    header.writeUInt32LE(Math.min(0xffffffff, total), 40);
    fs.writeFileSync(out, Buffer.concat([header, prefix, gap]));
    if (dataBytes > 0) await pipeline(fs.createReadStream(wav, { start: dataAt, end: dataAt + dataBytes - 1 }), fs.createWriteStream(out, { flags: "a" }));
    return (prefix.length + gap.length) / PCM16K_BYTES_PER_S;
  } finally {
    fs.closeSync(fd);
  }
}
