import { describe, expect, it } from "vitest";
import type { TranscriptLine } from "@confer/shared";
import type { AttendanceRow } from "../../store/meetings.ts";
import { actionText, extractActions } from "./actions.ts";
import { extractDecisions } from "./decisions.ts";
import { buildMinutes } from "./minutes.ts";
import { attendeesOf, matchAttendee } from "./people.ts";
import { mergeTranscripts, nsToMs } from "./transcript.ts";

const stay = (userId: string, name: string, company: string, joinedAt: string, leftAt: string | null, extra: Partial<AttendanceRow> = {}): AttendanceRow => ({
  meetingId: "m",
  participantSid: `PA_${userId}_${joinedAt}`,
  userId,
  name,
  company,
  external: company !== "Acme",
  joinedAt,
  leftAt,
  ...extra,
});
const olga = { userId: "olga", name: "Olga Owner" };
const bob = { userId: "bob", name: "Bob Baker" };
const priya = { userId: "priya", name: "Priya Okafor" };
const people = attendeesOf([
  stay("olga", "Olga Owner", "Acme", "2026-12-03T08:00:00.000Z", "2026-12-03T08:20:00.000Z"),
  stay("bob", "Bob Baker", "Acme", "2026-12-03T08:01:00.000Z", "2026-12-03T08:20:00.000Z"),
  stay("priya", "Priya Okafor", "Globex", "2026-12-03T08:02:00.000Z", "2026-12-03T08:19:00.000Z"),
]);
const line = (speaker: { userId: string; name: string }, text: string, start = 0): TranscriptLine => ({ speaker, start, end: start + 2, text });

describe("action items", () => {
  it("'<name> will … by <day>' assigns the named attendee, with the due date", () => {
    const items = extractActions([line(olga, "okay bob will send the updated contract by friday")], people);
    expect(items).toEqual([{ assignee: bob, text: "send the updated contract", due: "Friday" }]);
    expect(actionText(items[0]!, "Bob")).toBe("Bob: send the updated contract — by Friday");
  });
  it("'I will …' is the speaker's; 'can you' and 'action item for' name the person asked", () => {
    const items = extractActions(
      [line(bob, "i will send the updated contract by friday"), line(olga, "priya can you review the pricing by monday"), line(olga, "action item for bob to book the venue")],
      people,
    );
    expect(items.map((i) => [i.assignee?.userId, i.text, i.due])).toEqual([
      ["bob", "send the updated contract", "Friday"],
      ["priya", "review the pricing", "Monday"],
      ["bob", "book the venue", null],
    ]);
  });
  it("an unknown or ambiguous name is nobody, never the wrong person", () => {
    const twoBobs = attendeesOf([stay("b1", "Bob Baker", "Acme", "2026-12-03T08:00:00Z", null), stay("b2", "Bob Brown", "Acme", "2026-12-03T08:00:00Z", null)]);
    expect(extractActions([line(olga, "bob will send the contract")], twoBobs)).toEqual([{ assignee: null, text: "send the contract", due: null }]);
    expect(extractActions([line(olga, "bob baker will send the contract")], twoBobs)[0]!.assignee).toEqual({ userId: "b1", name: "Bob Baker" });
    expect(extractActions([line(olga, "dave will send the contract by end of the week")], people)).toEqual([{ assignee: null, text: "send the contract", due: "end of the week" }]);
    expect(matchAttendee("okafor", people)).toEqual(priya);
    expect(matchAttendee("carol", people)).toBeNull();
  });
  it("a name without 'will' (recognisers drop it) still assigns; plain talk is not an action", () => {
    expect(extractActions([line(olga, "priya review the pricing by monday")], people)[0]).toMatchObject({ assignee: priya, due: "Monday" });
    expect(extractActions([line(olga, "it will be sunny and we will see how it goes"), line(bob, "the contract will be ready")], people)).toEqual([]);
  });
});

describe("decisions", () => {
  it("come from cue phrases, without the cue", () => {
    expect(extractDecisions([line(olga, "we decided to launch a product in march"), line(bob, "we agreed that the budget is fine"), line(bob, "we talked a lot")])).toEqual([
      "Launch a product in march",
      "The budget is fine",
    ]);
  });
});

describe("transcript", () => {
  it("merges every speaker's segments by absolute time", () => {
    const t0 = Date.parse("2026-12-03T08:00:00Z");
    const lines = mergeTranscripts(
      [
        { speaker: olga, startedAtMs: t0 + 1000, segments: [{ start: 0, end: 2, text: "first" }, { start: 10, end: 12, text: "fourth" }], file: "TR_o-1.ogg" },
        { speaker: priya, startedAtMs: t0 + 4000, segments: [{ start: 0, end: 2, text: "second" }] },
        { speaker: bob, startedAtMs: t0 + 1000, segments: [{ start: 6, end: 8, text: "third" }] },
      ],
      t0,
    );
    expect(lines.map((l) => [l.speaker.userId, l.text, l.start])).toEqual([
      ["olga", "first", 1],
      ["priya", "second", 4],
      ["bob", "third", 7],
      ["olga", "fourth", 11],
    ]);
    expect(lines[3]!.recording).toEqual({ file: "TR_o-1.ogg", at: 10 });
    expect(nsToMs("1700000000123456789")).toBe(1700000000123);
    expect(nsToMs("0")).toBeUndefined();
  });
});

describe("attendees", () => {
  it("fold rejoins into one entry: first join, last leave, still there = no leave", () => {
    const folded = attendeesOf([
      stay("bob", "Bob Baker", "Acme", "2026-12-03T08:05:00Z", "2026-12-03T08:06:00Z"),
      stay("bob", "Bob Baker", "Acme", "2026-12-03T08:01:00Z", "2026-12-03T08:02:00Z", { participantSid: "PA_2" }),
      stay("priya", "Priya Okafor", "Globex", "2026-12-03T08:03:00Z", "2026-12-03T08:04:00Z"),
      stay("priya", "Priya Okafor", "Globex", "2026-12-03T08:07:00Z", null, { participantSid: "PA_3" }),
    ]);
    expect(folded.map((a) => [a.userId, a.joinedAt, a.leftAt, a.external])).toEqual([
      ["bob", "2026-12-03T08:01:00Z", "2026-12-03T08:06:00Z", false],
      ["priya", "2026-12-03T08:03:00Z", null, true],
    ]);
  });
  it("the minutes name who met, for how long, and what they said", () => {
    const stays = [stay("olga", "Olga Owner", "Acme", "2026-12-03T08:00:00Z", "2026-12-03T08:20:00Z"), stay("bob", "Bob Baker", "Acme", "2026-12-03T08:01:00Z", "2026-12-03T08:20:00Z")];
    const m = buildMinutes({
      meeting: { id: "m", startedAt: "2026-12-03T08:00:00.000Z", endedAt: "2026-12-03T08:20:00.000Z" },
      stays,
      tracks: [{ speaker: bob, startedAtMs: Date.parse("2026-12-03T08:00:00Z"), segments: [{ start: 3, end: 6, text: "i will send the updated contract to globex by friday" }] }],
    });
    expect(m.durationMinutes).toBe(20);
    expect(m.summary).toMatch(/^Olga and Bob met for 20 minutes\./);
    expect(m.summary).toContain("One action item was agreed.");
    expect(m.actionItems).toEqual([{ assignee: bob, text: "send the updated contract to globex", due: "Friday" }]);
  });
  it("quotes a punctuated line (an engine that writes full stops) without doubling its full stop", () => {
    const m = buildMinutes({
      meeting: { id: "m", startedAt: "2026-12-03T08:00:00.000Z", endedAt: "2026-12-03T08:05:00.000Z" },
      stays: [stay("bob", "Bob Baker", "Acme", "2026-12-03T08:00:00Z", "2026-12-03T08:05:00Z")],
      tracks: [{ speaker: bob, startedAtMs: Date.parse("2026-12-03T08:00:00Z"), segments: [{ start: 1, end: 3, text: "We decided to ship the release on Monday." }] }],
    });
    expect(m.summary).toContain("Bob: “We decided to ship the release on Monday.”");
    expect(m.summary).not.toContain("..");
  });
});
