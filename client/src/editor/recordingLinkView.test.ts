// @vitest-environment happy-dom
import { afterEach, expect, test, vi } from "vitest";
import { TextSelection } from "prosemirror-state";
import { schema } from "@confer/shared/schema";
import { createTestEditor } from "./testView.ts";
import { playRecordingLinks } from "./recordingLinks.ts";
import { CardHub } from "../meetings/CardHub.ts";

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

/** An editable page holding one transcript line whose timestamp links to a recording of this server. */
function transcriptLine() {
  const t = createTestEditor(undefined, { views: true });
  cleanup.push(t.destroy);
  const href = `${window.location.origin}/api/meetings/m1/recordings/TR_a-1.ogg#t=60`;
  const line = schema.nodes.paragraph.create(null, [
    schema.text("01:01", [schema.marks.link.create({ href })]),
    schema.text(" "),
    schema.text("Olga Owner:", [schema.marks.strong.create()]),
    schema.text(" we ship in march, see "),
    schema.text("the plan", [schema.marks.link.create({ href: "https://example.com/plan" })]),
  ]);
  const tr = t.view.state.tr.replaceWith(0, t.view.state.doc.content.size, line);
  t.view.dispatch(tr.setSelection(TextSelection.create(tr.doc, 12)));
  const hub = new CardHub();
  const play = vi.fn();
  hub.setActions({ join: vi.fn(), readMinutes: vi.fn(), retryMinutes: vi.fn(), play });
  cleanup.push(playRecordingLinks(t.view.dom, hub));
  const stamp = t.view.dom.querySelector<HTMLAnchorElement>("a.recording-link")!;
  return { ...t, stamp, play };
}

test("in edit mode a timestamp is a link reached by Tab, not editable text; other links stay ordinary", () => {
  const { view, stamp } = transcriptLine();
  expect(stamp.textContent).toBe("01:01");
  expect(stamp.contentEditable).toBe("false");
  expect(stamp.tabIndex).toBe(0);
  expect(stamp.getAttribute("href")).toMatch(/\/api\/meetings\/m1\/recordings\/TR_a-1\.ogg#t=60$/);
  const other = [...view.dom.querySelectorAll("a")].find((a) => a.textContent === "the plan")!;
  expect(other.classList.contains("recording-link")).toBe(false);
  expect(other.hasAttribute("contenteditable")).toBe(false);
});

// That a click opens no link card over the text is seen in a real browser: e2e/tests/minutesFold.spec.ts.
test("a click on a timestamp in edit mode plays its speaker's recording from its moment", () => {
  const { stamp, play } = transcriptLine();
  stamp.click();
  expect(play).toHaveBeenCalledWith({ meetingId: "m1", file: "TR_a-1.ogg", at: 60, label: "01:01 · Olga Owner" });
});

test("Enter on a focused timestamp is the link's (it plays), not a new paragraph", () => {
  const { view, stamp } = transcriptLine();
  const before = view.state.doc;
  stamp.focus();
  const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
  stamp.dispatchEvent(enter);
  expect(enter.defaultPrevented).toBe(false);
  expect(view.state.doc.eq(before)).toBe(true);
});

test("read-only, a timestamp is the same focusable link: a click plays it, Enter is left to the link", () => {
  const { view, stamp, play } = transcriptLine();
  view.setProps({ editable: () => false });
  const again = view.dom.querySelector<HTMLAnchorElement>("a.recording-link")!;
  expect(again.tabIndex).toBe(0);
  expect(again.textContent).toBe(stamp.textContent);
  again.click();
  expect(play).toHaveBeenCalledWith({ meetingId: "m1", file: "TR_a-1.ogg", at: 60, label: "01:01 · Olga Owner" });
  const enter = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
  again.dispatchEvent(enter);
  expect(enter.defaultPrevented).toBe(false);
});
