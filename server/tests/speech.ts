import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The programs the speech tests need, and the package each comes from. */
const TOOLS: [string, string][] = [
  ["flite", "flite"],
  ["ffmpeg", "ffmpeg"],
  ["pocketsphinx_continuous", "pocketsphinx"],
  ["t2p", "flite"],
];

/**
 * Throws an error that says exactly what to install when flite, ffmpeg or pocketsphinx is missing
 * (`bash scripts/ensure-speech.sh` installs them; .ci/run does it).
 */
export function requireSpeechTools(): void {
  const missing = TOOLS.filter(([cmd]) => {
    try {
      execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  }).map(([cmd, pkg]) => `${cmd} (package ${pkg})`);
  if (!fs.existsSync("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")) missing.push("the English model (package pocketsphinx-en-us)");
  if (missing.length) {
    throw new Error(`These speech tests need ${missing.join(", ")}. Run: bash scripts/ensure-speech.sh (or apt-get install pocketsphinx pocketsphinx-en-us flite ffmpeg).`);
  }
}

/** Says `text` with flite's rms voice into a WAV file. */
export function say(text: string, out: string): string {
  execFileSync("flite", ["-voice", "rms", "-t", text, "-o", out], { stdio: "ignore" });
  return out;
}

/** 16-bit mono PCM of a WAV file, and its sample rate. */
export function readWav(file: string): { rate: number; samples: Int16Array } {
  const buf = fs.readFileSync(file);
  let pos = 12;
  let rate = 16000;
  let channels = 1;
  while (pos + 8 <= buf.length) {
    const id = buf.toString("ascii", pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === "fmt ") {
      channels = buf.readUInt16LE(pos + 10);
      rate = buf.readUInt32LE(pos + 12);
    } else if (id === "data") {
      const frames = Math.floor(size / 2 / channels);
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(pos + 8 + i * 2 * channels);
      return { rate, samples };
    }
    pos += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Writes 16-bit mono PCM as a WAV file. */
export function writeWav(file: string, rate: number, samples: Int16Array): void {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(samples[i]!, i * 2);
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([h, data]));
}

/** One line of a scripted meeting: who says what, at how many seconds from the start. */
export interface ScriptLine {
  speaker: string;
  at: number;
  text: string;
}

/**
 * One speaker's microphone as Track Egress records it: their lines spoken by flite at their offsets,
 * silence in between, `seconds` long, as Ogg/Opus (48 kHz, like a WebRTC Opus track). Returns the
 * .ogg path.
 */
export function speakerRecording(dir: string, speaker: string, script: ScriptLine[], seconds: number): string {
  const rate = 16000;
  const timeline = new Int16Array(Math.ceil(seconds * rate));
  script
    .filter((l) => l.speaker === speaker)
    .forEach((l, i) => {
      const wav = readWav(say(l.text, path.join(dir, `${speaker}-${i}.wav`)));
      if (wav.rate !== rate) throw new Error(`flite spoke at ${wav.rate} Hz, expected ${rate}`);
      timeline.set(wav.samples.subarray(0, Math.max(0, timeline.length - Math.round(l.at * rate))), Math.round(l.at * rate));
    });
  const wav = path.join(dir, `${speaker}.wav`);
  writeWav(wav, rate, timeline);
  const ogg = path.join(dir, `${speaker}.ogg`);
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", wav, "-ar", "48000", "-c:a", "libopus", "-b:a", "32k", "-page_duration", "20000", ogg], { stdio: "ignore" });
  return ogg;
}
