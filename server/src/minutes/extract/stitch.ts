import type { Segment, Word } from "../../store/recordings.ts";

/** One part of a speaker's recording, as the stitch reads it (times in Unix ms, segments in seconds from its start). */
export interface Part {
  startedAtMs: number;
  /** When the part stopped recording; unknown: taken as the end of its last segment. */
  endedAtMs?: number;
  segments: Segment[];
  file?: string;
}

/** A segment on the meeting's clock: absolute seconds, with where it is heard in which part. */
export interface StitchedSegment {
  /** Unix seconds. */
  start: number;
  end: number;
  text: string;
  /** The part it is heard in, and the second of that part. */
  file?: string;
  at: number;
}

/** Two pieces of speech closer than this, across a part boundary, are one line (as one recording splits them: PocketsphinxEngine's gap). */
const JOIN_GAP_S = 1.2;

interface TimedWord extends Word {
  part: number;
}

/**
 * The parts of one track's recording, each said once, in order. Consecutive parts overlap (the next
 * one starts before the last stops, so nothing falls between them), and both hear what is said in
 * the overlap. The rule, on absolute times:
 *
 * - the cut between two overlapping parts is the middle of their overlap; each part speaks for its
 *   side of it: the earlier one keeps the words that start before the cut (a word under way at the
 *   cut is heard whole there, up to half the overlap after it);
 * - the later one keeps only the words whose middle lies after the end of the last word kept before
 *   it: a word both heard (its timing a little different in each) is kept once, and the half word
 *   the later part caught at its very start is not kept;
 * - an utterance across the cut, its two pieces closer than a pause, is one segment again.
 *
 * Parts that do not overlap (recording switched off and on) are simply put one after the other.
 * Segments without word times are taken as one word each.
 */
export function stitchParts(parts: Part[]): StitchedSegment[] {
  const sorted = [...parts].sort((a, b) => a.startedAtMs - b.startedAtMs);
  const words: TimedWord[][] = [];
  let lastKeptEnd = -Infinity;
  sorted.forEach((p, i) => {
    const base = p.startedAtMs / 1000;
    const next = sorted[i + 1];
    const end = p.endedAtMs !== undefined ? p.endedAtMs / 1000 : Infinity;
    // The cut with the next part: the middle of their overlap (its end unknown: where the next starts).
    const nextStart = next ? next.startedAtMs / 1000 : Infinity;
    const cut = nextStart < end ? (Number.isFinite(end) ? (nextStart + end) / 2 : nextStart) : Infinity;
    const segs = p.segments.map((s) => {
      const ws: Word[] = s.words?.length ? s.words : [{ word: s.text, start: s.start, end: s.end }];
      return ws
        .map((w) => ({ word: w.word, start: base + w.start, end: base + w.end, part: i }))
        .filter((w) => w.start < cut && (w.start + w.end) / 2 > lastKeptEnd);
    });
    for (const ws of segs) if (ws.length) words.push(ws);
    const kept = segs.flat();
    if (kept.length) lastKeptEnd = Math.max(lastKeptEnd, kept[kept.length - 1]!.end);
  });
  const out: StitchedSegment[] = [];
  let lastPart = -1;
  for (const ws of words) {
    const text = ws.map((w) => w.word.trim()).filter(Boolean).join(" ");
    if (!text) continue;
    const first = ws[0]!;
    const prev = out[out.length - 1];
    if (prev && lastPart !== first.part && first.start - prev.end < JOIN_GAP_S) {
      prev.text = `${prev.text} ${text}`;
      prev.end = Math.max(prev.end, ws[ws.length - 1]!.end);
    } else {
      const part = sorted[first.part]!;
      out.push({ start: first.start, end: ws[ws.length - 1]!.end, text, at: first.start - part.startedAtMs / 1000, ...(part.file ? { file: part.file } : {}) });
    }
    lastPart = ws[ws.length - 1]!.part;
  }
  return out;
}
