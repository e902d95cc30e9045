import { Schema, type DOMOutputSpec, type NodeSpec, type MarkSpec } from "prosemirror-model";
import { meetingCardSpec } from "./nodes/meetingCard.ts";
import { detailsSpec, detailsSummarySpec } from "./nodes/details.ts";

export { MEETING_CARD, MEETING_ID_PATTERN } from "./nodes/meetingCard.ts";
export { DETAILS, DETAILS_SUMMARY } from "./nodes/details.ts";

/** Protocols a link may point to; anything else (javascript:, data:) is dropped when rendered. */
export const SAFE_LINK_PROTOCOLS = ["http:", "https:", "mailto:"];

/** Returns `href` when it is a safe absolute link, else null. Used by the editor and any renderer. */
export function safeHref(href: unknown): string | null {
  if (typeof href !== "string" || href.length > 2048) return null;
  try {
    const url = new URL(href);
    return SAFE_LINK_PROTOCOLS.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const nodes = {
  doc: { content: "block+" },
  paragraph: {
    content: "inline*",
    group: "block",
    parseDOM: [{ tag: "p" }],
    toDOM: (): DOMOutputSpec => ["p", 0],
  },
  heading: {
    attrs: { level: { default: 1, validate: "number" } },
    content: "inline*",
    group: "block",
    defining: true,
    // h4–h6 (pasted from elsewhere) become the smallest heading we have rather than paragraphs.
    parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, attrs: { level: Math.min(level, 3) } })),
    toDOM: (node): DOMOutputSpec => [`h${Math.min(3, Math.max(1, Number(node.attrs.level) || 1))}`, 0],
  },
  blockquote: {
    content: "block+",
    group: "block",
    defining: true,
    parseDOM: [{ tag: "blockquote" }],
    toDOM: (): DOMOutputSpec => ["blockquote", 0],
  },
  code_block: {
    content: "text*",
    marks: "",
    group: "block",
    code: true,
    defining: true,
    parseDOM: [{ tag: "pre", preserveWhitespace: "full" }],
    toDOM: (): DOMOutputSpec => ["pre", ["code", 0]],
  },
  horizontal_rule: {
    group: "block",
    parseDOM: [{ tag: "hr" }],
    toDOM: (): DOMOutputSpec => ["hr"],
  },
  bullet_list: {
    content: "list_item+",
    group: "block",
    parseDOM: [{ tag: "ul:not([data-type=tasks])" }],
    toDOM: (): DOMOutputSpec => ["ul", 0],
  },
  ordered_list: {
    attrs: { order: { default: 1, validate: "number" } },
    content: "list_item+",
    group: "block",
    parseDOM: [{ tag: "ol", getAttrs: (dom) => ({ order: Number((dom as HTMLElement).getAttribute("start") ?? 1) || 1 }) }],
    toDOM: (node): DOMOutputSpec => (node.attrs.order === 1 ? ["ol", 0] : ["ol", { start: String(node.attrs.order) }, 0]),
  },
  list_item: {
    content: "paragraph block*",
    defining: true,
    parseDOM: [{ tag: "li:not([data-checked])" }],
    toDOM: (): DOMOutputSpec => ["li", 0],
  },
  task_list: {
    content: "task_item+",
    group: "block",
    parseDOM: [{ tag: "ul[data-type=tasks]", priority: 60 }],
    toDOM: (): DOMOutputSpec => ["ul", { "data-type": "tasks", class: "task-list" }, 0],
  },
  task_item: {
    attrs: { checked: { default: false, validate: "boolean" } },
    content: "paragraph block*",
    defining: true,
    parseDOM: [
      {
        tag: "li[data-checked]",
        priority: 60,
        getAttrs: (dom) => ({ checked: (dom as HTMLElement).getAttribute("data-checked") === "true" }),
      },
    ],
    toDOM: (node): DOMOutputSpec => ["li", { "data-checked": String(node.attrs.checked), class: "task-item" }, 0],
  },
  meeting_card: meetingCardSpec,
  details: detailsSpec,
  details_summary: detailsSummarySpec,
  text: { group: "inline" },
  hard_break: {
    inline: true,
    group: "inline",
    selectable: false,
    parseDOM: [{ tag: "br" }],
    toDOM: (): DOMOutputSpec => ["br"],
  },
} satisfies Record<string, NodeSpec>;

const marks = {
  link: {
    attrs: { href: { validate: "string" }, title: { default: null } },
    inclusive: false,
    parseDOM: [
      {
        tag: "a[href]",
        getAttrs: (dom) => {
          const href = safeHref((dom as HTMLElement).getAttribute("href"));
          return href ? { href, title: (dom as HTMLElement).getAttribute("title") } : false;
        },
      },
    ],
    toDOM: (mark): DOMOutputSpec => {
      const href = safeHref(mark.attrs.href);
      return ["a", { href: href ?? "#", title: mark.attrs.title ?? null, rel: "noopener noreferrer nofollow", target: "_blank" }, 0];
    },
  },
  strong: {
    parseDOM: [
      { tag: "strong" },
      // Google Docs wraps everything it copies in <b style="font-weight:normal">: that is not bold.
      { tag: "b", getAttrs: (dom) => (dom as HTMLElement).style?.fontWeight !== "normal" && null },
      { style: "font-weight=400", clearMark: (m) => m.type.name === "strong" },
      { style: "font-weight=normal", clearMark: (m) => m.type.name === "strong" },
      { style: "font-weight", getAttrs: (value) => /^(bold(er)?|[6-9]\d{2})$/.test(value as string) && null },
    ],
    toDOM: (): DOMOutputSpec => ["strong", 0],
  },
  em: {
    parseDOM: [
      { tag: "em" },
      { tag: "i", getAttrs: (dom) => (dom as HTMLElement).style?.fontStyle !== "normal" && null },
      { style: "font-style=italic" },
      { style: "font-style=normal", clearMark: (m) => m.type.name === "em" },
    ],
    toDOM: (): DOMOutputSpec => ["em", 0],
  },
  strike: {
    parseDOM: [
      { tag: "s" },
      { tag: "del" },
      { tag: "strike" },
      { style: "text-decoration", getAttrs: (value) => (value as string).includes("line-through") && null },
      { style: "text-decoration-line", getAttrs: (value) => (value as string).includes("line-through") && null },
    ],
    toDOM: (): DOMOutputSpec => ["s", 0],
  },
  code: {
    excludes: "_",
    parseDOM: [{ tag: "code" }],
    toDOM: (): DOMOutputSpec => ["code", 0],
  },
} satisfies Record<string, MarkSpec>;

/** The one document schema: the editor, the server (minutes writer) and tests all use it. */
export const schema = new Schema<NodeName, MarkName>({ nodes, marks });

/** Names of the schema's node types. */
export type NodeName = keyof typeof nodes;
/** Names of the schema's mark types. */
export type MarkName = keyof typeof marks;

/** Name of the Y.XmlFragment that holds the editor's body inside a document's Y.Doc. */
export const BODY_FRAGMENT = "prosemirror";
