import { expect, test } from "vitest";
import { DOMSerializer } from "prosemirror-model";
import { BODY_FRAGMENT, schema, type MarkName, type NodeName } from "./schema.ts";
import { SCHEMA_VERSION } from "./schemaVersion.ts";

const { nodes, marks } = schema;

test("the schema has exactly the node and mark types the editor and the server agree on", () => {
  // Adding one is a schema change: bump SCHEMA_VERSION (shared/src/schemaVersion.ts) with it.
  const nodeNames: NodeName[] = ["blockquote", "bullet_list", "code_block", "details", "details_summary", "doc", "hard_break", "heading", "horizontal_rule", "list_item", "meeting_card", "ordered_list", "paragraph", "task_item", "task_list", "text"];
  const markNames: MarkName[] = ["code", "em", "link", "strike", "strong"];
  expect(Object.keys(schema.nodes).sort()).toEqual(nodeNames.sort());
  expect(Object.keys(schema.marks).sort()).toEqual(markNames.sort());
  expect(BODY_FRAGMENT).toBe("prosemirror");
  // The version that goes with exactly these types (2 added meeting_card, 3 details and details_summary).
  expect(SCHEMA_VERSION).toBe(3);
});

test("a document of every block type is valid and round-trips through JSON", () => {
  const p = (text: string) => nodes.paragraph.create(null, schema.text(text));
  const doc = nodes.doc.create(null, [
    nodes.heading.create({ level: 2 }, schema.text("Title")),
    nodes.paragraph.create(null, [schema.text("bold", [marks.strong.create()]), schema.text(" link", [marks.link.create({ href: "https://example.com/" })])]),
    nodes.blockquote.create(null, [p("quote")]),
    nodes.code_block.create(null, schema.text("x = 1")),
    nodes.horizontal_rule.create(),
    nodes.bullet_list.create(null, [nodes.list_item.create(null, [p("a")])]),
    nodes.ordered_list.create({ order: 3 }, [nodes.list_item.create(null, [p("c")])]),
    nodes.task_list.create(null, [nodes.task_item.create({ checked: true }, [p("done")])]),
    nodes.meeting_card.create({ meetingId: "mtg_Abc-123" }),
    nodes.details.create(null, [nodes.details_summary.create(null, schema.text("Transcript")), p("line")]),
  ]);
  doc.check();
  expect(schema.nodeFromJSON(doc.toJSON()).eq(doc)).toBe(true);
});

test("invalid content and attributes are refused", () => {
  expect(() => nodes.bullet_list.create(null, [nodes.paragraph.create()]).check()).toThrow();
  expect(() => nodes.code_block.create(null, schema.text("x", [marks.strong.create()])).check()).toThrow();
  expect(() => nodes.heading.create({ level: "2" })).toThrow();
  expect(() => nodes.task_item.create({ checked: "yes" }, [nodes.paragraph.create()])).toThrow();
});

test("a link renders only safe addresses, and always opens apart from the page", () => {
  const spec = marks.link.spec.toDOM!;
  const bad = spec(marks.link.create({ href: "javascript:alert(1)" }), true) as [string, Record<string, string>];
  expect(bad[1].href).toBe("#");
  const good = spec(marks.link.create({ href: "https://example.com/" }), true) as [string, Record<string, string>];
  expect(good[1]).toMatchObject({ href: "https://example.com/", rel: "noopener noreferrer nofollow", target: "_blank" });
});

test("headings render as h1–h3 whatever level is stored", () => {
  const toDOM = nodes.heading.spec.toDOM!;
  expect((toDOM(nodes.heading.create({ level: 6 })) as [string])[0]).toBe("h3");
  expect((toDOM(nodes.heading.create({ level: 0 })) as [string])[0]).toBe("h1");
  expect(DOMSerializer.fromSchema(schema)).toBeTruthy();
});

test("a meeting card holds a meeting id and nothing else, and round-trips through the clipboard's HTML", () => {
  const card = nodes.meeting_card.create({ meetingId: "mtg_Abc-123" });
  expect(card.isAtom && card.isBlock && card.isLeaf).toBe(true);
  expect(card.attrs).toEqual({ meetingId: "mtg_Abc-123" });
  expect(() => nodes.meeting_card.create({})).toThrow();
  expect(() => nodes.meeting_card.create({ meetingId: 42 })).toThrow();
  expect(() => nodes.meeting_card.create({ meetingId: '"><img src=x onerror=alert(1)>' })).toThrow();
  const [tag, attrs] = nodes.meeting_card.spec.toDOM!(card) as [string, Record<string, string>];
  expect(tag).toBe("div");
  expect(attrs["data-meeting-id"]).toBe("mtg_Abc-123");
  const rule = nodes.meeting_card.spec.parseDOM![0]!;
  const el = (id: string) => ({ getAttribute: (name: string) => (name === "data-meeting-id" ? id : null) }) as unknown as HTMLElement;
  expect(rule.getAttrs!(el("mtg_Abc-123"))).toEqual({ meetingId: "mtg_Abc-123" });
  expect(rule.getAttrs!(el("bad id with spaces"))).toBe(false);
});

test("a collapsible block is a summary line then blocks; it holds no open state and copies as <details><summary>", () => {
  const summary = nodes.details_summary.create(null, schema.text("Transcript · 2 lines · 3 min"));
  const fold = nodes.details.create(null, [summary, nodes.paragraph.create(null, schema.text("00:01 Olga: hello"))]);
  fold.check();
  // Open or folded is each reader's view, never the document's.
  expect(fold.attrs).toEqual({});
  expect(() => nodes.details.create(null, [summary]).check()).toThrow();
  expect(() => nodes.details.create(null, [nodes.paragraph.create(), summary]).check()).toThrow();
  expect(nodes.details.spec.toDOM!(fold)).toEqual(["details", { class: "fold" }, 0]);
  expect(nodes.details_summary.spec.toDOM!(summary)).toEqual(["summary", { class: "fold-summary" }, 0]);
  expect(nodes.details.spec.parseDOM).toEqual([{ tag: "details" }]);
  expect(nodes.details_summary.spec.parseDOM).toEqual([{ tag: "summary" }]);
});
