// @vitest-environment happy-dom
import { afterEach, expect, test } from "vitest";
import type { Node as PMNode } from "prosemirror-model";
import { schema } from "@confer/shared/schema";
import { createTestEditor } from "../testView.ts";

// Clipboard contents as each tool writes them (text/html; text/plain for Markdown).
import googleDocsHtml from "./fixtures/google-docs.html?raw";
import wordHtml from "./fixtures/word.html?raw";
import notionHtml from "./fixtures/notion.html?raw";
import markdownText from "./fixtures/markdown.md?raw";

let destroy: (() => void) | undefined;
afterEach(() => destroy?.());

function paste(kind: "html" | "text", content: string): PMNode {
  const t = createTestEditor();
  destroy = t.destroy;
  if (kind === "html") t.view.pasteHTML(content);
  else {
    // A paste of text only, as a person's Ctrl+V of copied Markdown fires it (pasteText would mean Ctrl+Shift+V).
    const data = new DataTransfer();
    data.setData("text/plain", content);
    t.view.dom.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }
  return t.view.state.doc;
}

/** The document as one line per block, with marks written around text: `p: We ship on <strong>Friday</strong>`. */
function outline(doc: PMNode): string[] {
  const lines: string[] = [];
  const walk = (node: PMNode, depth: string) => {
    if (node.isTextblock) {
      let text = "";
      node.forEach((child) => {
        let t = child.isText ? child.text!.replace(/\n/g, "\\n") : child.type.name === "hard_break" ? "\\n" : `[${child.type.name}]`;
        for (const m of child.marks) t = m.type.name === "link" ? `<a ${m.attrs.href}>${t}</a>` : `<${m.type.name}>${t}</${m.type.name}>`;
        text += t;
      });
      const label = node.type.name === "heading" ? `h${node.attrs.level}` : node.type.name === "paragraph" ? "p" : node.type.name;
      lines.push(`${depth}${label}: ${text.replace(/<\/(\w+)><\1>/g, "")}`);
      return;
    }
    if (node.type.name === "horizontal_rule") return void lines.push(`${depth}hr`);
    const label = node.type.name === "task_item" ? `task(${node.attrs.checked ? "x" : " "})` : node.type.name;
    if (node.type.name !== "doc") lines.push(`${depth}${label}`);
    node.forEach((child) => walk(child, node.type.name === "doc" ? depth : depth + "  "));
  };
  walk(doc, "");
  return lines;
}

test("Google Docs: its bold wrapper is not bold, 700 is, h4 is a heading, lists nest, checklists are tasks, tables keep cells apart", () => {
  expect(outline(paste("html", googleDocsHtml))).toEqual([
    "h1: Launch plan",
    "p: We ship on <strong>Friday</strong><em> if the weather holds</em><strike>, or not</strike>. See <a https://example.com/brief>the brief</a>.",
    "h3: Small heading",
    "bullet_list",
    "  list_item",
    "    p: Write the announcement",
    "    bullet_list",
    "      list_item",
    "        p: Draft",
    "  list_item",
    "    p: Book the room",
    "task_list",
    "  task(x)",
    "    p: Pick a date",
    "  task( )",
    "    p: Send invites",
    "p: cell A | cell B",
    "p: cell C | cell D",
  ]);
});

test("Word: drawn bullets become real (nested, numbered) lists, <o:p> and spacer paragraphs go, the title is a heading", () => {
  expect(outline(paste("html", wordHtml))).toEqual([
    "h1: Quarterly report",
    "p: Revenue grew by <strong>12%</strong> in <em>the third quarter</em>, and <strong>costs</strong> fell.",
    "h2: Next steps",
    "bullet_list",
    "  list_item",
    "    p: Hire two engineers",
    "    bullet_list",
    "      list_item",
    "        p: One for the backend",
    "  list_item",
    "    p: Open the Berlin office",
    "p: In order:",
    "ordered_list",
    "  list_item",
    "    p: Budget",
    "  list_item",
    "    p: Hiring",
    "h3: Appendix",
    "p: Region | Growth",
    "p: EMEA | 14%",
  ]);
});

test("Notion: to-dos are tasks, code stays code, callouts keep their text, toggles are collapsible blocks, header cells are bold", () => {
  expect(outline(paste("html", notionHtml))).toEqual([
    "h1: Project brief",
    "p: Some <strong>bold</strong>, <em>italic</em>, <strike>struck</strike> and <code>inline code</code>, with <a https://www.notion.so/acme/Brief-3f2a>a link</a>.",
    "bullet_list",
    "  list_item",
    "    p: Bullet one",
    "  list_item",
    "    p: Bullet two",
    "    bullet_list",
    "      list_item",
    "        p: Nested bullet",
    "ordered_list",
    "  list_item",
    "    p: First step",
    "  list_item",
    "    p: Second step",
    "task_list",
    "  task( )",
    "    p: Open task",
    "  task(x)",
    "    p: Done task",
    "code_block: const answer = 42;\\nconsole.log(answer);",
    "blockquote",
    "  p: A quote worth keeping",
    "blockquote",
    "  p: Remember the deadline",
    "details",
    "  details_summary: Toggle heading",
    "  p: Hidden detail",
    "h3: Table",
    "p: <strong>Name</strong> | <strong>Role</strong>",
    "p: Ana | Design",
  ]);
});

test("Markdown pasted as plain text becomes headings, lists, tasks, quotes, code and marks", () => {
  expect(outline(paste("text", markdownText))).toEqual([
    "h1: Release notes",
    "p: Some <strong>bold</strong>, <em>italic</em>, <strike>struck</strike> and <code>code</code>, see <a https://example.com/docs>the docs</a>.",
    "h2: Changes",
    "bullet_list",
    "  list_item",
    "    p: Faster sync",
    "  list_item",
    "    p: Offline edits",
    "    bullet_list",
    "      list_item",
    "        p: merged on reconnect",
    "ordered_list",
    "  list_item",
    "    p: Update",
    "  list_item",
    "    p: Restart",
    "task_list",
    "  task( )",
    "    p: Write the post",
    "  task(x)",
    "    p: Tag the release",
    "blockquote",
    "  p: Quoted text",
    "code_block: const x = 1;",
    "hr",
    "h3: Small heading",
  ]);
});

test("font weights: 700 and bold are bold, 400 and normal are not, even inside <b>", () => {
  const html = '<p><span style="font-weight:700">a</span><span style="font-weight:400">b</span><b style="font-weight:normal">c</b><b>d</b><span style="font-weight:bold">e</span><b><span style="font-weight:400">f</span></b></p>';
  expect(outline(paste("html", html))).toEqual(["p: <strong>a</strong>bc<strong>de</strong>f"]);
});

test("h4, h5 and h6 become the smallest heading, not paragraphs", () => {
  expect(outline(paste("html", "<h4>four</h4><h5>five</h5><h6>six</h6>"))).toEqual(["h3: four", "h3: five", "h3: six"]);
});

test("prose with a stray asterisk stays as typed; raw HTML in Markdown stays text", () => {
  expect(outline(paste("text", "2 * 3 = 6, and a * b"))).toEqual(["p: 2 * 3 = 6, and a * b"]);
  expect(outline(paste("text", "**Note:** <img src=x onerror=alert(1)>"))).toEqual(["p: <strong>Note:</strong> <img src=x onerror=alert(1)>"]);
});

test("one line of Markdown goes into the paragraph it is pasted in", () => {
  const t = createTestEditor();
  destroy = t.destroy;
  t.view.dispatch(t.view.state.tr.insertText("Before ", 1));
  const data = new DataTransfer();
  data.setData("text/plain", "**bold** after");
  t.view.dom.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  expect(outline(t.view.state.doc)).toEqual(["p: Before <strong>bold</strong> after"]);
});

test("Markdown pasted inside a code block stays raw", () => {
  const t = createTestEditor();
  destroy = t.destroy;
  t.view.dispatch(t.view.state.tr.setBlockType(1, 1, schema.nodes.code_block));
  const data = new DataTransfer();
  data.setData("text/plain", "# not a heading\n- nor a list");
  t.view.dom.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  expect(outline(t.view.state.doc)).toEqual(["code_block: # not a heading\\n- nor a list"]);
});
