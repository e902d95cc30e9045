import { describe, expect, test } from "vitest";
import type { MeetingDetail, MeetingNotice } from "@confer/shared";
import { cardText, cardView, durationText, INITIAL_MEETINGS, liveMeeting, meetingsReducer, type MeetingsAction, type MeetingsState } from "./meetingsState.ts";

const alice = { id: "u_alice", name: "Alice" };
const T0 = "2026-12-03T09:00:00.000Z";
const T42 = "2026-12-03T09:42:10.000Z";

const notice = (over: Partial<MeetingNotice> = {}): MeetingNotice => ({
  type: "meeting",
  meetingId: "m1",
  state: "live",
  startedAt: T0,
  endedAt: null,
  startedBy: alice,
  participants: [],
  ...over,
});
const person = (userId: string, external = false) => ({ userId, name: userId, external });
const stay = (userId: string, leftAt: string | null = null) => ({ userId, name: userId, company: "Acme", external: false, joinedAt: T0, leftAt });
const detail = (over: Partial<MeetingDetail> = {}): MeetingDetail => ({ id: "m1", state: "live", startedAt: T0, endedAt: null, startedBy: alice, attendees: [], ...over });

const run = (...actions: MeetingsAction[]): MeetingsState => actions.reduce(meetingsReducer, INITIAL_MEETINGS);
const text = (state: MeetingsState, id = "m1") => cardText(cardView(state, id));

describe("meeting cards", () => {
  test("say they are checking until the list is read, then that an unnamed meeting is not known", () => {
    expect(text(INITIAL_MEETINGS)).toBe("Meeting · checking with the server…");
    expect(text(run({ type: "listFailed", message: "Can't reach the server." }))).toBe("Meeting · Can't reach the server.");
    const listed = run({ type: "listed", list: { meetings: [detail()] } });
    expect(text(listed, "pasted-from-elsewhere")).toBe("This meeting is not known to this server");
  });

  test("turn live on the start notice and count the people in it as they join and leave", () => {
    let s = run({ type: "listed", list: { meetings: [] } }, { type: "notice", notice: notice() });
    expect(text(s)).toBe("Live · nobody has joined yet");
    s = meetingsReducer(s, { type: "notice", notice: notice({ participants: [person("a"), person("b"), person("c", true)] }) });
    expect(text(s)).toBe("Live · 3 people");
    s = meetingsReducer(s, { type: "notice", notice: notice({ participants: [person("a")] }) });
    expect(text(s)).toBe("Live · 1 person");
    expect(liveMeeting(s)?.id).toBe("m1");
  });

  test("once ended, show how long it lasted and how many people were ever in it", () => {
    let s = run({ type: "notice", notice: notice({ participants: [person("a"), person("b")] }) });
    s = meetingsReducer(s, { type: "notice", notice: notice({ participants: [person("c")] }) });
    s = meetingsReducer(s, { type: "notice", notice: notice({ state: "ended", endedAt: T42, participants: [] }) });
    expect(text(s)).toBe("Ended · 42 min · 3 people");
    expect(liveMeeting(s)).toBeUndefined();
    // The list read afterwards adds those the page never saw (they came and went while it was closed).
    s = meetingsReducer(s, { type: "listed", list: { meetings: [detail({ state: "ended", endedAt: T42, attendees: [stay("a", T42), stay("d", T0), stay("e", T0)] })] } });
    expect(text(s)).toBe("Ended · 42 min · 5 people");
  });

  test("never turn live again: a list read before the end notice but answered after it changes nothing", () => {
    let s = run({ type: "notice", notice: notice({ state: "ended", endedAt: T42 }) });
    s = meetingsReducer(s, { type: "listed", list: { meetings: [detail({ attendees: [stay("a")] })] } });
    expect(cardView(s, "m1").kind).toBe("ended");
    expect(text(s)).toBe("Ended · 42 min · 1 person");
  });

  test("take who is in it from the list until notices flow, then from the notices", () => {
    let s = run({ type: "listed", list: { meetings: [detail({ attendees: [stay("a"), stay("b"), stay("gone", T0)] })] } });
    expect(text(s)).toBe("Live · 2 people");
    s = meetingsReducer(s, { type: "notice", notice: notice({ participants: [person("a")] }) });
    // A list answered later may be older than the notice: it does not bring "b" back.
    s = meetingsReducer(s, { type: "listed", list: { meetings: [detail({ attendees: [stay("a"), stay("b")] })] } });
    expect(text(s)).toBe("Live · 1 person");
  });

  test("know which settings are missing when meetings are off", () => {
    const s = run({ type: "listed", list: { meetings: [], missingSettings: ["LIVEKIT_URL"] } });
    expect(s.missingSettings).toEqual(["LIVEKIT_URL"]);
    expect(run({ type: "listed", list: { meetings: [] } }).missingSettings).toEqual([]);
  });
});

test("durations read as people say them", () => {
  expect(durationText(0)).toBe("under a minute");
  expect(durationText(42)).toBe("42 min");
  expect(durationText(60)).toBe("1 h");
  expect(durationText(65)).toBe("1 h 5 min");
});
