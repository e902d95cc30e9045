// @vitest-environment happy-dom
import { afterEach, expect, test } from "vitest";
import type { EditorView } from "prosemirror-view";
import { createTestEditor } from "./testView.ts";

let destroy: (() => void) | undefined;
afterEach(() => destroy?.());

/** Types text one character at a time through the editor's text input handlers, as a keyboard does. */
function type(view: EditorView, text: string): void {
  for (const ch of text) {
    const { from, to } = view.state.selection;
    const handled = view.someProp("handleTextInput", (f) => f(view, from, to, ch, () => view.state.tr.insertText(ch, from, to)));
    if (!handled) view.dispatch(view.state.tr.insertText(ch, from, to));
  }
}

function typed(text: string): string {
  const t = createTestEditor();
  destroy = t.destroy;
  type(t.view, text);
  return t.view.state.doc.toString();
}

test("block rules at the start of a line", () => {
  expect(typed("# Title")).toBe('doc(heading("Title"))');
  expect(typed("### Small")).toBe('doc(heading("Small"))');
  expect(typed("- item")).toBe('doc(bullet_list(list_item(paragraph("item"))))');
  expect(typed("* item")).toBe('doc(bullet_list(list_item(paragraph("item"))))');
  expect(typed("1. first")).toBe('doc(ordered_list(list_item(paragraph("first"))))');
  expect(typed("> quoted")).toBe('doc(blockquote(paragraph("quoted")))');
  expect(typed("```")).toBe("doc(code_block)");
  expect(typed("---")).toBe("doc(horizontal_rule, paragraph)");
});

test("task rules: [ ] is open, [x] is done", () => {
  const t = createTestEditor();
  destroy = t.destroy;
  type(t.view, "[x] shipped");
  const item = t.view.state.doc.firstChild!.firstChild!;
  expect(item.type.name).toBe("task_item");
  expect(item.attrs.checked).toBe(true);
  expect(t.view.state.doc.textContent).toBe("shipped");
  expect(typed("[ ] open")).toBe('doc(task_list(task_item(paragraph("open"))))');
});

test("mark rules around words", () => {
  const marksOf = (text: string) => {
    const t = createTestEditor();
    destroy?.();
    destroy = t.destroy;
    type(t.view, text);
    const para = t.view.state.doc.firstChild!;
    return para.content.content.map((n) => `${n.marks.map((m) => m.type.name).join("+") || "plain"}:${n.text}`);
  };
  expect(marksOf("a **bold** b")).toEqual(["plain:a ", "strong:bold", "plain: b"]);
  expect(marksOf("an *em* word")).toEqual(["plain:an ", "em:em", "plain: word"]);
  expect(marksOf("an _em_ word")).toEqual(["plain:an ", "em:em", "plain: word"]);
  expect(marksOf("~~gone~~")).toEqual(["strike:gone"]);
  expect(marksOf("run `npm i` now")).toEqual(["plain:run ", "code:npm i", "plain: now"]);
});

test("text that only looks like a rule stays text", () => {
  expect(typed("2 * 3 * 4")).toBe('doc(paragraph("2 * 3 * 4"))');
  expect(typed("snake_case_name")).toBe('doc(paragraph("snake_case_name"))');
  expect(typed("not # a heading")).toBe('doc(paragraph("not # a heading"))');
});
