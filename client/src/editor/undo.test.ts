// @vitest-environment happy-dom
import { afterEach, expect, test } from "vitest";
import { TextSelection } from "prosemirror-state";
import { yUndoPluginKey } from "y-prosemirror";
import type * as Y from "yjs";
import type { EditorView } from "prosemirror-view";
import { schema } from "@confer/shared/schema";
import { createTestEditor } from "./testView.ts";
import { redo, undo } from "./undo.ts";

let destroy: (() => void) | undefined;
afterEach(() => destroy?.());

function setup() {
  const t = createTestEditor();
  destroy = t.destroy;
  return t;
}

const press = (view: EditorView, command: typeof undo) => command(view.state, view.dispatch, view);
/** A transaction that changes nothing in the text, as a click or an arrow key does. */
const click = (view: EditorView) => view.dispatch(view.state.tr.setSelection(TextSelection.atStart(view.state.doc)));
const newUndoStep = (view: EditorView) => (yUndoPluginKey.getState(view.state)!.undoManager as Y.UndoManager).stopCapturing();

test("undo back to an empty document keeps redo: type, undo, click, redo brings the text back", () => {
  const { view, fragment } = setup();
  view.dispatch(view.state.tr.insertText("hello world", 1));
  expect(press(view, undo)).toBe(true);
  expect(view.state.doc.textContent).toBe("");
  click(view);
  expect(press(view, redo)).toBe(true);
  expect(view.state.doc.toString()).toBe('doc(paragraph("hello world"))');
  expect(fragment.toString()).toBe("<paragraph>hello world</paragraph>");
});

test("two undos of two paragraphs, then two redos, give both paragraphs back exactly", () => {
  const { view } = setup();
  view.dispatch(view.state.tr.insertText("first", 1));
  newUndoStep(view);
  view.dispatch(view.state.tr.insert(view.state.doc.content.size, schema.node("paragraph", null, schema.text("second"))));
  press(view, undo);
  click(view);
  press(view, undo);
  click(view);
  expect(view.state.doc.textContent).toBe("");
  expect(press(view, redo)).toBe(true);
  click(view);
  expect(press(view, redo)).toBe(true);
  expect(view.state.doc.toString()).toBe('doc(paragraph("first"), paragraph("second"))');
});

test("undoing a list that was the whole document keeps redo, and redo restores the list", () => {
  const { view } = setup();
  const list = schema.node("bullet_list", null, [schema.node("list_item", null, [schema.node("paragraph", null, schema.text("item"))])]);
  view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, list));
  press(view, undo);
  click(view);
  expect(view.state.doc.textContent).toBe("");
  expect(press(view, redo)).toBe(true);
  expect(view.state.doc.firstChild?.type.name === "bullet_list" || view.state.doc.child(1)?.type.name === "bullet_list").toBe(true);
  expect(view.state.doc.textContent).toBe("item");
});

test("a new edit after an undo does clear redo, as everywhere else", () => {
  const { view } = setup();
  view.dispatch(view.state.tr.insertText("one", 1));
  press(view, undo);
  view.dispatch(view.state.tr.insertText("two", 1));
  expect(press(view, redo)).toBe(false);
  expect(view.state.doc.textContent).toBe("two");
});
