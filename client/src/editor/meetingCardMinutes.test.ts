// @vitest-environment happy-dom
import { expect, test, vi } from "vitest";
import type { MinutesNotice } from "@confer/shared";
import { schema } from "@confer/shared/schema";
import { MeetingCardView } from "./meetingCard.ts";
import { CardHub } from "../meetings/CardHub.ts";
import { INITIAL_MEETINGS, meetingsReducer, type MeetingsAction } from "../meetings/meetingsState.ts";

const T0 = "2026-12-03T09:00:00.000Z";
const ended: MeetingsAction = {
  type: "notice",
  notice: { type: "meeting", meetingId: "m1", state: "ended", startedAt: T0, endedAt: "2026-12-03T09:10:00.000Z", startedBy: { id: "u_alice", name: "Alice" }, participants: [] },
};
const minutes = (over: Partial<MinutesNotice>): MeetingsAction => ({
  type: "minutesNotice",
  notice: { type: "minutes", meetingId: "m1", state: "transcribing", progress: 0, speakersDone: 0, speakersTotal: 3, label: "", ...over },
});

/** A card for meeting m1 seen by `userId`, and what its buttons asked of the page. */
function card(userId: string) {
  const hub = new CardHub();
  const actions = { join: vi.fn(), readMinutes: vi.fn(), retryMinutes: vi.fn(), play: vi.fn() };
  hub.setActions(actions);
  hub.setViewer({ userId, owner: false });
  const view = new MeetingCardView(schema.nodes.meeting_card.create({ meetingId: "m1" }), hub);
  let state = meetingsReducer(INITIAL_MEETINGS, ended);
  const push = (action: MeetingsAction) => {
    state = meetingsReducer(state, action);
    hub.set(state, undefined);
  };
  hub.set(state, undefined);
  const q = (id: string) => view.dom.querySelector<HTMLElement>(`[data-testid=${id}]`)!;
  const retry = () => [...view.dom.querySelectorAll("button")].find((b) => b.textContent === "Try again")!;
  return { view, push, actions, q, retry };
}

test("an ended card asks for its minutes, then follows the notices: transcribing with a bar, writing, done", () => {
  const { push, actions, q, view } = card("u_bob");
  expect(actions.readMinutes).toHaveBeenCalledWith("m1");
  push(minutes({ speakersDone: 1, progress: 0.4 }));
  expect(q("minutes-status").textContent).toBe("Transcribing · 2 of 3 speakers · 40%");
  const bar = view.dom.querySelector("progress")!;
  expect(bar.hidden).toBe(false);
  expect(bar.value).toBe(40);
  expect(bar.getAttribute("aria-valuetext")).toBe("Transcribing · 2 of 3 speakers · 40%");
  push(minutes({ state: "writing", speakersDone: 3 }));
  expect(q("minutes-status").textContent).toBe("Writing minutes");
  expect(bar.hasAttribute("value")).toBe(false);
  push(minutes({ state: "done", progress: 1, speakersDone: 3 }));
  expect(q("minutes-status").textContent).toBe("Minutes are below");
  expect(bar.hidden).toBe(true);
});

test("a failure says what failed; only the host gets Try again, which asks the page to retry", () => {
  const guest = card("u_bob");
  guest.push(minutes({ state: "failed", error: "The transcription service did not answer." }));
  expect(guest.q("minutes-status").textContent).toBe("Minutes failed: The transcription service did not answer.");
  expect(guest.retry().hidden).toBe(true);

  const host = card("u_alice");
  host.push(minutes({ state: "failed", error: "The transcription service did not answer." }));
  expect(host.retry().hidden).toBe(false);
  host.retry().click();
  expect(host.actions.retryMinutes).toHaveBeenCalledWith("m1");
  host.push(minutes({ state: "transcribing", progress: 0 }));
  expect(host.retry().hidden).toBe(true);
});

test("one play button per person, playing their parts in order; text from the server is never HTML", () => {
  const { push, actions, view } = card("u_bob");
  const evil = { userId: "u_x", name: "<img src=x onerror=alert(1)>" };
  const later = new Date(Date.parse(T0) + 120_000).toISOString();
  const recordings = [
    { file: "TR_a-2.ogg", speaker: evil, startedAt: later },
    { file: "TR_a-1.ogg", speaker: evil, startedAt: T0 },
    { file: "TR_b-3.ogg", speaker: { userId: "u_y", name: "Carol" }, startedAt: T0 },
  ];
  push({ type: "minutesRead", meetingId: "m1", view: { state: "done", progress: 1, recordings } });
  const plays = view.dom.querySelectorAll<HTMLButtonElement>(".meeting-card-play");
  expect(plays).toHaveLength(2);
  const play = [...plays].find((b) => b.getAttribute("aria-label")?.includes("<img"))!;
  expect(play.getAttribute("aria-label")).toBe("Play <img src=x onerror=alert(1)>'s recording");
  expect(view.dom.querySelector("img")).toBeNull();
  play.click();
  expect(actions.play).toHaveBeenCalledWith({ meetingId: "m1", file: "TR_a-1.ogg", then: ["TR_a-2.ogg"], at: 0, label: "<img src=x onerror=alert(1)> · recording" });
});
