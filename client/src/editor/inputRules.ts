import { InputRule, inputRules, textblockTypeInputRule, wrappingInputRule } from "prosemirror-inputrules";
import { canJoin, findWrapping } from "prosemirror-transform";
import { TextSelection, type Plugin } from "prosemirror-state";
import type { MarkType } from "prosemirror-model";
import { schema } from "@confer/shared/schema";

const { nodes, marks } = schema;

/** `[ ] ` or `[x] ` at the start of a paragraph: turns it into a task (checked for `x`). */
const taskListRule = new InputRule(/^\[( |x|X)\]\s$/, (state, match, start, end) => {
  const checked = match[1]?.toLowerCase() === "x";
  const $start = state.doc.resolve(start);
  const item = $start.depth >= 2 ? $start.node(-1) : undefined;
  // Already the first paragraph of a task: just set its state.
  if (item?.type === nodes.task_item && $start.index(-1) === 0) {
    return state.tr.delete(start, end).setNodeMarkup($start.before(-1), undefined, { ...item.attrs, checked });
  }
  const tr = state.tr.delete(start, end);
  const range = tr.doc.resolve(start).blockRange();
  const wrapping = range && findWrapping(range, nodes.task_list);
  if (!range || !wrapping) return null;
  tr.wrap(
    range,
    wrapping.map((w) => (w.type === nodes.task_item ? { type: w.type, attrs: { checked } } : w)),
  );
  const before = tr.doc.resolve(start - 1).nodeBefore;
  if (before && before.type === nodes.task_list && canJoin(tr.doc, start - 1)) tr.join(start - 1);
  return tr;
});

/** `---` on an otherwise empty paragraph: a horizontal rule, with the cursor in a fresh paragraph below. */
const horizontalRuleRule = new InputRule(/^---$/, (state, _match, start, end) => {
  const $start = state.doc.resolve(start);
  const para = $start.parent;
  if (para.type !== nodes.paragraph || end !== $start.end()) return null;
  const from = $start.before();
  const to = $start.after();
  const tr = state.tr.replaceWith(from, to, [nodes.horizontal_rule.create(), nodes.paragraph.create()]);
  tr.setSelection(TextSelection.create(tr.doc, from + 2));
  return tr;
});

/**
 * A rule that turns `<marker>text<marker>` into marked text, e.g. `**bold**`. The pattern's first
 * group is the text; everything else in the match is marker and is removed.
 */
function markRule(pattern: RegExp, type: MarkType): InputRule {
  return new InputRule(pattern, (state, match, start, end) => {
    const full = match[0];
    const text = match[1];
    if (!text) return null;
    if (state.doc.rangeHasMark(start, end, marks.code)) return null;
    const textStart = start + full.indexOf(text);
    const textEnd = textStart + text.length;
    const tr = state.tr;
    // The last marker character was typed but is not in the document yet; `end` is where it would go.
    if (textEnd < end) tr.delete(textEnd, end);
    if (textStart > start) tr.delete(start, textStart);
    const markEnd = start + text.length;
    tr.addMark(start, markEnd, type.create());
    tr.removeStoredMark(type);
    return tr;
  });
}

/** Markdown-like shortcuts typed at the start of a block or around a word. */
export function buildInputRules(): Plugin {
  return inputRules({
    rules: [
      textblockTypeInputRule(/^(#{1,3})\s$/, nodes.heading, (m) => ({ level: m[1]?.length ?? 1 })),
      wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
      wrappingInputRule(/^\s*[-*]\s$/, nodes.bullet_list),
      wrappingInputRule(
        /^(\d+)\.\s$/,
        nodes.ordered_list,
        (m) => ({ order: Number(m[1]) }),
        (m, node) => node.childCount + Number(node.attrs.order) === Number(m[1]),
      ),
      taskListRule,
      textblockTypeInputRule(/^```$/, nodes.code_block),
      horizontalRuleRule,
      markRule(/\*\*([^*\s](?:[^*]*[^*\s])?)\*\*$/, marks.strong),
      markRule(/(?<![*\w])\*([^*\s](?:[^*]*[^*\s])?)\*$/, marks.em),
      markRule(/(?<![_\w])_([^_\s](?:[^_]*[^_\s])?)_$/, marks.em),
      markRule(/~~([^~\s](?:[^~]*[^~\s])?)~~$/, marks.strike),
      markRule(/`([^`]+)`$/, marks.code),
    ],
  });
}
