import type { TranscriptLine } from "@confer/shared";
import { tokens } from "./actions.ts";

/** Spoken cues that what follows was decided, longest first. */
const CUES = [
  "we have decided",
  "we've decided",
  "we decided",
  "we have agreed",
  "we've agreed",
  "we agreed",
  "we are going with",
  "we're going with",
  "we will go with",
  "let's go with",
  "the decision is",
  "decision is",
  "it is decided",
  "it's decided",
  "we will go ahead with",
].map((c) => c.split(" "));
/** Words that may join a cue to what was decided. */
const JOINERS = new Set(["to", "that", "on", "is", "was"]);

/** Decisions said in the meeting ("we decided to ship the beta in March" → "Ship the beta in March"). */
export function extractDecisions(lines: TranscriptLine[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const ts = tokens(line.text);
    for (let i = 0; i < ts.length; i++) {
      const cue = CUES.find((c) => c.every((w, k) => ts[i + k] === w));
      if (!cue) continue;
      let rest = ts.slice(i + cue.length);
      while (rest.length && JOINERS.has(rest[0]!)) rest = rest.slice(1);
      // What was decided runs to the next cue or the end of the line.
      const next = rest.findIndex((_, k) => CUES.some((c) => c.every((w, j) => rest[k + j] === w)));
      if (next > 0) rest = rest.slice(0, next);
      while (rest.length && ["and", "so", "okay", "then"].includes(rest[rest.length - 1]!)) rest = rest.slice(0, -1);
      if (rest.length >= 2) out.push(sentence(rest.join(" ")));
      i += cue.length - 1;
    }
  }
  return [...new Set(out)];
}

/** Capitalised, without a trailing full stop. */
export function sentence(text: string): string {
  // Engines that punctuate (OpenAI-compatible ones) end a segment with a full stop of their own.
  const t = text.trim().replace(/\s+/g, " ").replace(/\bi\b/g, "I").replace(/\.+$/, "");
  return t ? t[0]!.toUpperCase() + t.slice(1) : t;
}
