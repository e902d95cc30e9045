// @vitest-environment happy-dom
import { afterEach, expect, test } from "vitest";
import { TextSelection } from "prosemirror-state";
import { schema } from "@confer/shared/schema";
import { createTestEditor } from "./testView.ts";
import { hasMeetingCard, insertMeetingCard, MeetingCardView } from "./meetingCard.ts";
import { CardHub } from "../meetings/CardHub.ts";
import { meetingsReducer, INITIAL_MEETINGS } from "../meetings/meetingsState.ts";

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

function editorWith(text: string, cursor: number) {
  const t = createTestEditor();
  cleanup.push(t.destroy);
  const { view } = t;
  view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, schema.nodes.paragraph.create(null, schema.text(text))));
  view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, cursor)));
  return view;
}

const blocks = (view: ReturnType<typeof editorWith>) => view.state.doc.content.content.map((n) => (n.type.name === "meeting_card" ? `card:${n.attrs.meetingId}` : n.textContent));

test("a card goes in at the cursor, splitting the paragraph, and writing goes on after it", () => {
  const view = editorWith("Agenda notes", 7);
  expect(insertMeetingCard("meeting-1")(view.state, view.dispatch)).toBe(true);
  expect(blocks(view)).toEqual(["Agenda", "card:meeting-1", " notes"]);
  expect(view.state.selection.$from.parent.textContent).toBe(" notes");
  view.dispatch(view.state.tr.insertText("typed "));
  expect(blocks(view)).toEqual(["Agenda", "card:meeting-1", "typed  notes"]);
  expect(hasMeetingCard(view.state.doc, "meeting-1")).toBe(true);
});

test("at the end of the text an empty paragraph follows the card, so the card is never replaced by typing", () => {
  const view = editorWith("Agenda", 7);
  insertMeetingCard("meeting-2")(view.state, view.dispatch);
  expect(blocks(view)).toEqual(["Agenda", "card:meeting-2", ""]);
  view.dispatch(view.state.tr.insertText("next"));
  expect(blocks(view)).toEqual(["Agenda", "card:meeting-2", "next"]);
});

test("the card view shows the server's state as text, and nothing from the document but the id", () => {
  const hub = new CardHub();
  const card = schema.nodes.meeting_card.create({ meetingId: "meeting-3" });
  const v = new MeetingCardView(card, hub);
  cleanup.push(() => v.destroy());
  expect(v.dom.textContent).toContain("checking with the server");
  const state = meetingsReducer(INITIAL_MEETINGS, {
    type: "notice",
    notice: { type: "meeting", meetingId: "meeting-3", state: "live", startedAt: new Date().toISOString(), endedAt: null, startedBy: { id: "u1", name: "<b>Alice</b>" }, participants: [{ userId: "u2", name: "Bob", external: true }] },
  });
  hub.set(state, undefined);
  expect(v.dom.querySelector("[data-testid=meeting-card-status]")?.textContent).toBe("Live · 1 person");
  expect(v.dom.textContent).toContain("Started by <b>Alice</b>");
  expect(v.dom.querySelector("b")).toBeNull();
  expect(v.dom.querySelector("button")?.hidden).toBe(false);
  hub.set(state, "meeting-3");
  expect(v.dom.querySelector("button")?.hidden).toBe(true);
  expect(v.dom.textContent).toContain("You are in this meeting");
});
