import type { Speaker, TranscriptLine } from "@confer/shared";
import type { Segment } from "../../store/recordings.ts";
import { stitchParts } from "./stitch.ts";

/** One speaker's recording (or one part of it) with what it said. */
export interface SpeakerTrack {
  speaker: Speaker;
  /** When the recording started, Unix ms (LiveKit's FileInfo.startedAt). */
  startedAtMs: number;
  /** When it stopped, Unix ms (FileInfo.endedAt), when known. */
  endedAtMs?: number;
  segments: Segment[];
  /** The recording's file name (served at /api/meetings/:id/recordings/:file). */
  file?: string;
  /** Parts of one track's recording share this (the track sid): they are stitched, each word once. */
  chain?: string;
}

/** Unix nanoseconds as LiveKit sends them (a string, or a bigint once parsed) in Unix ms. */
export function nsToMs(ns: string | bigint | null | undefined): number | undefined {
  if (ns === null || ns === undefined || ns === "" || ns === "0") return undefined;
  try {
    const v = typeof ns === "bigint" ? ns : BigInt(ns);
    return v > 0n ? Number(v / 1_000_000n) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Merges every speaker's segments into one transcript ordered by absolute time, as seconds from
 * `meetingStartMs`. Speakers are exact: each track is one person's microphone. The parts of one
 * track's recording (same `chain`) overlap a little; they are stitched first (stitch.ts), so each
 * word said is in the transcript once.
 */
export function mergeTranscripts(tracks: SpeakerTrack[], meetingStartMs: number): TranscriptLine[] {
  const chains = new Map<string, SpeakerTrack[]>();
  tracks.forEach((t, i) => {
    const key = t.chain !== undefined ? `${t.speaker.userId}\u0000${t.chain}` : `#${i}`;
    chains.set(key, [...(chains.get(key) ?? []), t]);
  });
  const lines: TranscriptLine[] = [];
  for (const parts of chains.values()) {
    const speaker = parts[0]!.speaker;
    for (const s of stitchParts(parts)) {
      if (!s.text.trim()) continue;
      lines.push({
        speaker,
        start: round(Math.max(0, s.start - meetingStartMs / 1000)),
        end: round(Math.max(0, s.end - meetingStartMs / 1000)),
        text: s.text.trim(),
        ...(s.file ? { recording: { file: s.file, at: round(Math.max(0, s.at)) } } : {}),
      });
    }
  }
  return lines.sort((a, b) => a.start - b.start || a.end - b.end || a.speaker.name.localeCompare(b.speaker.name));
}

const round = (s: number) => Math.round(s * 100) / 100;

/** "mm:ss" or "h:mm:ss". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
