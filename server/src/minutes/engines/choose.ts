import type { MinutesSettings } from "../../config.ts";
import { OpenAiEngine } from "./OpenAiEngine.ts";
import { PocketsphinxEngine, pocketsphinxAvailable } from "./PocketsphinxEngine.ts";
import type { TranscriptionEngine } from "./types.ts";

/** The engine a server uses, or why it has none. */
export type EngineChoice = { kind: "engine"; engine: TranscriptionEngine } | { kind: "none"; why: string };

/**
 * An OpenAI-compatible endpoint when TRANSCRIBE_URL is set; otherwise the offline engine when
 * pocketsphinx is installed (its work directories under `workDir`, else the system's temporary
 * directory); otherwise none (minutes are written without a transcript).
 */
export function chooseEngine(settings: Pick<MinutesSettings, "transcribe">, workDir?: string): EngineChoice {
  if (settings.transcribe) return { kind: "engine", engine: new OpenAiEngine(settings.transcribe) };
  if (pocketsphinxAvailable()) return { kind: "engine", engine: new PocketsphinxEngine({ bias: true, workDir }) };
  return { kind: "none", why: "this server has no transcription engine (install pocketsphinx, pocketsphinx-en-us and ffmpeg, or set TRANSCRIBE_URL)." };
}
