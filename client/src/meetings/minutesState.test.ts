// @vitest-environment happy-dom
import { describe, expect, test } from "vitest";
import type { MinutesNotice, MinutesView } from "@confer/shared";
import { fromMinutesNotice, fromMinutesView, minutesLine, partsAfter, speakerRecordings, type KnownMinutes } from "./minutesState.ts";
import { INITIAL_MEETINGS, meetingsReducer } from "./meetingsState.ts";

const notice = (over: Partial<MinutesNotice>): MinutesNotice => ({ type: "minutes", meetingId: "m1", state: "transcribing", progress: 0, speakersDone: 0, speakersTotal: 3, label: "", ...over });
const known = (over: Partial<MinutesNotice>) => fromMinutesNotice(notice(over), undefined);
const ended = { meetingEnded: true, isHost: false };
const host = { meetingEnded: true, isHost: true };

describe("the card's minutes line", () => {
  test("says which speaker is being transcribed and how far, with a bar at the same percentage", () => {
    expect(minutesLine(known({ speakersDone: 1, progress: 0.4 }), ended)).toEqual({ kind: "working", text: "Transcribing · 2 of 3 speakers · 40%", percent: 40 });
    expect(minutesLine(known({ speakersDone: 0, progress: 0 }), ended)).toEqual({ kind: "working", text: "Transcribing · 1 of 3 speakers · 0%", percent: 0 });
    expect(minutesLine(known({ speakersTotal: 1, progress: 0.755 }), ended)).toMatchObject({ text: "Transcribing · 1 speaker · 76%", percent: 76 });
    // Numbers out of range from a notice never make a bar past its ends.
    expect(minutesLine(known({ progress: 7 }), ended)).toMatchObject({ percent: 100 });
    expect(minutesLine(known({ progress: Number.NaN }), ended)).toMatchObject({ percent: 0 });
  });

  test("then writing (no measurable progress), then done", () => {
    expect(minutesLine(known({ state: "writing", speakersDone: 3 }), ended)).toEqual({ kind: "working", text: "Writing minutes", percent: undefined });
    expect(minutesLine(known({ state: "done", progress: 1 }), ended)).toEqual({ kind: "done", text: "Minutes are below" });
  });

  test("a failure says what failed; only the host is offered Try again", () => {
    const failed = known({ state: "failed", error: "The transcription service did not answer." });
    expect(minutesLine(failed, ended)).toEqual({ kind: "failed", text: "Minutes failed: The transcription service did not answer.", canRetry: false });
    expect(minutesLine(failed, host)).toMatchObject({ kind: "failed", canRetry: true });
  });

  test("nothing for a meeting that was not recorded; 'Recording' while live, preparing once it ended", () => {
    expect(minutesLine(undefined, ended)).toEqual({ kind: "none" });
    expect(minutesLine(known({ state: "none" }), ended)).toEqual({ kind: "none" });
    expect(minutesLine(known({ state: "recording" }), { meetingEnded: false, isHost: false })).toEqual({ kind: "recording", text: "Recording" });
    expect(minutesLine(known({ state: "recording" }), ended)).toEqual({ kind: "working", text: "Preparing the minutes…", percent: undefined });
  });
});

describe("minutes from notices and from GET /minutes", () => {
  const view = (over: Partial<MinutesView>): MinutesView => ({ state: "transcribing", progress: 0, ...over });
  const rec = { file: "TR_a-1.ogg", speaker: { userId: "u_a", name: "Alice" }, startedAt: "2026-12-03T09:00:00.000Z" };

  test("an answer overtaken by a notice does not move the card back, but brings the recordings", () => {
    const writing: KnownMinutes = known({ state: "writing", speakersDone: 3 });
    const after = fromMinutesView(view({ state: "transcribing", progress: 0.2, recordings: [rec] }), writing);
    expect(after.state).toBe("writing");
    expect(after.recordings).toEqual([{ file: "TR_a-1.ogg", speaker: "Alice", userId: "u_a", startedAt: "2026-12-03T09:00:00.000Z" }]);
  });

  test("a page opened mid-way counts speakers from the answer, and never says '0 of 0 speakers'", () => {
    expect(minutesLine(fromMinutesView(view({ progress: 0.3, speakersDone: 1, speakersTotal: 3 }), undefined), ended)).toMatchObject({ text: "Transcribing · 2 of 3 speakers · 30%" });
    expect(minutesLine(fromMinutesView(view({ progress: 0.3 }), undefined), ended)).toMatchObject({ text: "Transcribing · 30%", percent: 30 });
    expect(minutesLine(fromMinutesView(view({ progress: 0.3, recordings: [rec] }), undefined), ended)).toMatchObject({ text: "Transcribing · 1 speaker · 30%" });
  });

  test("a later notice keeps the recordings a read brought", () => {
    const read = fromMinutesView(view({ state: "done", progress: 1, recordings: [rec] }), undefined);
    expect(fromMinutesNotice(notice({ state: "done", progress: 1 }), read).recordings).toHaveLength(1);
    // Try again after a failure: the view of the retry wins over "failed".
    const failed = known({ state: "failed", error: "x" });
    expect(fromMinutesView(view({ state: "writing" }), failed).state).toBe("writing");
  });

  test("the reducer keeps minutes by meeting, and a recording switch only on a live meeting", () => {
    let s = meetingsReducer(INITIAL_MEETINGS, { type: "minutesNotice", notice: notice({ speakersDone: 2, progress: 0.5 }) });
    expect(minutesLine(s.minutes.m1, ended)).toMatchObject({ text: "Transcribing · 3 of 3 speakers · 50%" });
    const started = { type: "meeting" as const, meetingId: "m1", state: "live" as const, startedAt: "2026-12-03T09:00:00.000Z", endedAt: null, startedBy: { id: "u_a", name: "Alice" }, participants: [] };
    s = meetingsReducer(s, { type: "notice", notice: { ...started, recording: true } });
    expect(s.meetings.m1!.recording).toBe(true);
    s = meetingsReducer(s, { type: "notice", notice: { ...started, state: "ended", endedAt: "2026-12-03T09:05:00.000Z", recording: false } });
    expect(meetingsReducer(s, { type: "recording", meetingId: "m1", on: true }).meetings.m1!.recording).toBe(false);
  });
});

describe("a meeting recorded in parts", () => {
  const part = (file: string, userId: string, speaker: string, at: string) => ({ file, speaker: { userId, name: speaker }, startedAt: `2026-12-03T09:${at}.000Z` });
  const view: MinutesView = {
    state: "transcribing",
    progress: 0,
    recordings: [part("TR_b-2.ogg", "u_b", "Bob", "02:00"), part("TR_a-1.ogg", "u_a", "Alice", "00:00"), part("TR_b-1.ogg", "u_b", "Bob", "00:05"), part("TR_a-3.ogg", "u_a", "Alice", "04:00"), part("TR_a-2.ogg", "u_a", "Alice", "02:00")],
  };

  test("counts people, not files, and lists each person's parts in the order they play", () => {
    const m = fromMinutesView(view, undefined);
    expect(m.speakersTotal).toBe(2);
    expect(speakerRecordings(m.recordings)).toEqual([
      { speaker: "Alice", files: ["TR_a-1.ogg", "TR_a-2.ogg", "TR_a-3.ogg"] },
      { speaker: "Bob", files: ["TR_b-1.ogg", "TR_b-2.ogg"] },
    ]);
  });

  test("a part plays on into the same person's next parts, and only theirs", () => {
    const m = fromMinutesView(view, undefined);
    expect(partsAfter(m.recordings, "TR_a-2.ogg")).toEqual(["TR_a-3.ogg"]);
    expect(partsAfter(m.recordings, "TR_b-1.ogg")).toEqual(["TR_b-2.ogg"]);
    expect(partsAfter(m.recordings, "TR_a-3.ogg")).toEqual([]);
    expect(partsAfter(m.recordings, "TR_nope.ogg")).toEqual([]);
  });
});
