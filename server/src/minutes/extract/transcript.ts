import type { Speaker, TranscriptLine } from "@confer/shared";
import type { Segment } from "../../store/recordings.ts";

/** One speaker's recording with what it said. */
export interface SpeakerTrack {
  speaker: Speaker;
  /** When the recording started, Unix ms (LiveKit's FileInfo.startedAt). */
  startedAtMs: number;
  segments: Segment[];
  /** The recording's file name (served at /api/meetings/:id/recordings/:file). */
  file?: string;
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
 * `meetingStartMs`. Speakers are exact: each track is one person's microphone.
 */
export function mergeTranscripts(tracks: SpeakerTrack[], meetingStartMs: number): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const t of tracks) {
    const offset = (t.startedAtMs - meetingStartMs) / 1000;
    for (const s of t.segments) {
      if (!s.text.trim()) continue;
      lines.push({
        speaker: t.speaker,
        start: round(Math.max(0, offset + s.start)),
        end: round(Math.max(0, offset + s.end)),
        text: s.text.trim(),
        ...(t.file ? { recording: { file: t.file, at: round(s.start) } } : {}),
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
