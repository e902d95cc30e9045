import { describe, expect, it } from "vitest";
import type { Segment, Word } from "../../store/recordings.ts";
import { stitchParts } from "./stitch.ts";
import { mergeTranscripts } from "./transcript.ts";

const T0 = Date.parse("2026-12-03T08:00:00Z");
/** A segment from words given on the meeting's clock (seconds from T0), as a part started `partStartS` after T0 hears them. */
function heard(partStartS: number, words: [string, number, number][]): Segment {
  const ws: Word[] = words.map(([word, a, b]) => ({ word, start: +(a - partStartS).toFixed(3), end: +(b - partStartS).toFixed(3) }));
  return { start: ws[0]!.start, end: ws[ws.length - 1]!.end, text: ws.map((w) => w.word).join(" "), words: ws };
}
const part = (startS: number, endS: number | undefined, segments: Segment[], file?: string) => ({ startedAtMs: T0 + startS * 1000, endedAtMs: endS === undefined ? undefined : T0 + endS * 1000, segments, file });
const onClock = (segs: ReturnType<typeof stitchParts>) => segs.map((s) => [s.text, +(s.start - T0 / 1000).toFixed(2)]);

describe("stitching the overlapping parts of one microphone's recording", () => {
  // Part 1 records 0–10 s, part 2 from 8 s: they overlap 8–10 s, cut at 9 s.
  it("an utterance across the boundary is one line, each word once: the earlier part up to the cut, the later one after it", () => {
    const a = part(0, 10, [heard(0, [["we", 7.0, 7.3], ["will", 7.4, 7.7], ["ship", 7.8, 8.3], ["the", 8.4, 8.6], ["release", 8.7, 9.4], ["on", 9.5, 9.7], ["fry", 9.8, 10.0]])], "TR_a-1.ogg");
    // The later part starts mid-word ("ship" heard as "hip"), and times its words a little differently.
    const b = part(8, 20, [heard(8, [["hip", 8.0, 8.3], ["the", 8.42, 8.6], ["release", 8.68, 9.41], ["on", 9.52, 9.7], ["friday", 9.8, 10.4]]), heard(8, [["thanks", 14, 14.5]])], "TR_a-2.ogg");
    const out = stitchParts([b, a]);
    expect(onClock(out)).toEqual([
      ["we will ship the release on friday", 7],
      ["thanks", 14],
    ]);
    // Each line plays from where it starts, in the part it starts in.
    expect(out.map((s) => [s.file, +s.at.toFixed(2)])).toEqual([
      ["TR_a-1.ogg", 7],
      ["TR_a-2.ogg", 6],
    ]);
  });

  it("a word both parts heard whole in the overlap is kept once; a word after it is not lost", () => {
    const a = part(0, 10, [heard(0, [["budget", 8.2, 8.8]])]);
    const b = part(8, 20, [heard(8, [["budget", 8.25, 8.82], ["approved", 9.2, 9.9]])]);
    expect(onClock(stitchParts([a, b]))).toEqual([["budget approved", 8.2]]);
  });

  it("silence at the boundary: the lines on either side stay apart, nothing dropped", () => {
    const a = part(0, 10, [heard(0, [["first", 2, 2.5], ["point", 2.6, 3]])]);
    const b = part(8, 20, [heard(8, [["second", 12, 12.5], ["point", 12.6, 13]])]);
    expect(onClock(stitchParts([a, b]))).toEqual([
      ["first point", 2],
      ["second point", 12],
    ]);
  });

  it("three parts, speech over both cuts", () => {
    const words: [string, number, number][] = [];
    for (let i = 0; i < 30; i++) words.push([`w${i}`, i * 0.9, i * 0.9 + 0.6]); // 0–26.7 s, one word each 0.9 s
    const hears = (from: number, to: number) => heard(from, words.filter(([, s, e]) => e > from && s < to).map(([w, s, e]) => [w, Math.max(s, from), Math.min(e, to)]));
    const out = stitchParts([part(0, 11, [hears(0, 11)]), part(10, 21, [hears(10, 21)]), part(20, 30, [hears(20, 30)])]);
    expect(out.map((s) => s.text).join(" ")).toBe(words.map(([w]) => w).join(" "));
    expect(out).toHaveLength(1);
  });

  it("segments without word times are taken whole: one the earlier part kept is not said again", () => {
    const a = part(0, 10, [{ start: 7.9, end: 9.5, text: "hello there" }]);
    const b = part(8, 20, [{ start: 0, end: 1.5, text: "hello there" }, { start: 4, end: 5, text: "how are you" }]);
    expect(onClock(stitchParts([a, b]))).toEqual([
      ["hello there", 7.9],
      ["how are you", 12],
    ]);
  });

  it("parts that do not overlap (recording switched off and on) are put one after the other", () => {
    const a = part(0, 5, [{ start: 1, end: 2, text: "before" }]);
    const b = part(30, 40, [{ start: 0.1, end: 1, text: "after" }]);
    expect(onClock(stitchParts([a, b]))).toEqual([
      ["before", 1],
      ["after", 30.1],
    ]);
  });
});

describe("the transcript of a meeting recorded in parts", () => {
  it("stitches each track's parts and merges speakers by time; other tracks of the same person are not stitched", () => {
    const olga = { userId: "olga", name: "Olga Owner" };
    const bob = { userId: "bob", name: "Bob Baker" };
    const lines = mergeTranscripts(
      [
        { speaker: olga, chain: "TR_o", ...part(0, 10, [heard(0, [["let", 8.5, 8.7], ["us", 8.8, 9.0], ["start", 9.1, 9.6]])], "TR_o-1.ogg") },
        { speaker: olga, chain: "TR_o", ...part(8, 20, [heard(8, [["us", 8.8, 9.0], ["start", 9.1, 9.6], ["now", 9.7, 10.1]])], "TR_o-2.ogg") },
        { speaker: bob, chain: "TR_b", ...part(0, 10, [heard(0, [["yes", 8.9, 9.4]])], "TR_b-1.ogg") },
        { speaker: bob, chain: "TR_b", ...part(8, 20, [heard(8, [["yes", 8.9, 9.4]]), heard(8, [["agreed", 15, 15.5]])], "TR_b-2.ogg") },
        { speaker: bob, chain: "TR_b2", ...part(0, 20, [heard(0, [["echo", 16, 16.5]])], "TR_b2-1.ogg") },
      ],
      T0,
    );
    expect(lines.map((l) => [l.speaker.userId, l.text, l.start, l.recording])).toEqual([
      ["olga", "let us start now", 8.5, { file: "TR_o-1.ogg", at: 8.5 }],
      ["bob", "yes", 8.9, { file: "TR_b-1.ogg", at: 8.9 }],
      ["bob", "agreed", 15, { file: "TR_b-2.ogg", at: 7 }],
      ["bob", "echo", 16, { file: "TR_b2-1.ogg", at: 16 }],
    ]);
  });
});
