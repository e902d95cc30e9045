import type { DOMOutputSpec, NodeSpec } from "prosemirror-model";

/** Name of the collapsible block's node type, and of its summary line's. */
export const DETAILS = "details";
export const DETAILS_SUMMARY = "details_summary";

/**
 * A collapsible block, like HTML's <details>: a summary line (ordinary text, e.g. "Transcript · 42
 * lines · 12 min") followed by ordinary blocks. Whether it is open is not part of the document: it
 * is each person's view of it (folding it for me must not fold it for everyone), and every page
 * shows it folded until its reader opens it. The minutes writer puts the transcript in one. It is
 * copied as <details><summary>, so it pastes as a native disclosure anywhere else.
 */
export const detailsSpec = {
  content: `${DETAILS_SUMMARY} block+`,
  group: "block",
  defining: true,
  parseDOM: [{ tag: "details" }],
  toDOM: (): DOMOutputSpec => ["details", { class: "fold" }, 0],
} satisfies NodeSpec;

/** The summary line of a collapsible block: what is shown while it is folded. */
export const detailsSummarySpec = {
  content: "inline*",
  defining: true,
  parseDOM: [{ tag: "summary" }],
  toDOM: (): DOMOutputSpec => ["summary", { class: "fold-summary" }, 0],
} satisfies NodeSpec;
