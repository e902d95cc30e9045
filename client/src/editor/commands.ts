import { lift, setBlockType, toggleMark, wrapIn } from "prosemirror-commands";
import { liftListItem, sinkListItem, splitListItem, wrapInList } from "prosemirror-schema-list";
import type { Attrs, MarkType, Node as PMNode, NodeType } from "prosemirror-model";
import type { Command, EditorState } from "prosemirror-state";
import { schema } from "@confer/shared/schema";

const { nodes } = schema;
const LIST_TYPES = [nodes.bullet_list, nodes.ordered_list, nodes.task_list];
const ITEM_TYPES = [nodes.list_item, nodes.task_item];

/** Whether `type` is active at the cursor (stored marks) or across the whole selection. */
export function isMarkActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

/** Whether the selection's first textblock is of `type` (and has `attrs`, when given). */
export function isBlockActive(state: EditorState, type: NodeType, attrs?: Attrs): boolean {
  const parent = state.selection.$from.parent;
  if (parent.type !== type) return false;
  return !attrs || Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v);
}

/** The nearest ancestor of the selection start whose type is one of `types`, with its position. */
export function findAncestor(state: EditorState, types: readonly NodeType[]): { node: PMNode; pos: number; depth: number } | undefined {
  const $from = state.selection.$from;
  for (let d = $from.depth; d > 0; d--) {
    const node = $from.node(d);
    if (types.includes(node.type)) return { node, pos: $from.before(d), depth: d };
  }
  return undefined;
}

/** Toggles a mark on the selection; e.g. `markCommand(schema.marks.strong)`. */
export function markCommand(type: MarkType): Command {
  return toggleMark(type);
}

/** Turns the selected blocks into headings of `level`, or back into paragraphs if they already are. */
export function toggleHeading(level: number): Command {
  return (state, dispatch) => {
    if (isBlockActive(state, nodes.heading, { level })) return setBlockType(nodes.paragraph)(state, dispatch);
    return setBlockType(nodes.heading, { level })(state, dispatch);
  };
}

/** Turns the selected blocks into plain paragraphs. */
export const setParagraph: Command = setBlockType(nodes.paragraph);

/** Turns the selected blocks into a code block, or back into paragraphs. */
export const toggleCodeBlock: Command = (state, dispatch) => {
  if (isBlockActive(state, nodes.code_block)) return setBlockType(nodes.paragraph)(state, dispatch);
  return setBlockType(nodes.code_block)(state, dispatch);
};

/** Wraps the selection in a blockquote, or lifts it out of the one it is in. */
export const toggleBlockquote: Command = (state, dispatch) => {
  if (findAncestor(state, [nodes.blockquote])) return lift(state, dispatch);
  return wrapIn(nodes.blockquote)(state, dispatch);
};

/** Inserts a horizontal rule in place of the selection. */
export const insertHorizontalRule: Command = (state, dispatch) => {
  const hr = nodes.horizontal_rule.create();
  if (!canInsert(state, nodes.horizontal_rule)) return false;
  dispatch?.(state.tr.replaceSelectionWith(hr).scrollIntoView());
  return true;
};

function canInsert(state: EditorState, type: NodeType): boolean {
  const $from = state.selection.$from;
  for (let d = $from.depth; d >= 0; d--) {
    const index = $from.index(d);
    if ($from.node(d).canReplaceWith(index, index, type)) return true;
  }
  return false;
}

/** Whether the selection is inside a list of exactly `listType`. */
export function isInList(state: EditorState, listType: NodeType): boolean {
  return findAncestor(state, LIST_TYPES)?.node.type === listType;
}

/**
 * Toggles a list: lifts the items out when already in this kind of list, switches a bullet list
 * to numbered (and back) in place, and otherwise wraps the selection in a new list.
 */
export function toggleList(listType: NodeType): Command {
  const itemType = listType === nodes.task_list ? nodes.task_item : nodes.list_item;
  return (state, dispatch, view) => {
    const current = findAncestor(state, LIST_TYPES);
    if (!current) return wrapInList(listType)(state, dispatch);
    if (current.node.type === listType) return liftListItem(itemType)(state, dispatch);
    const currentItem = current.node.type === nodes.task_list ? nodes.task_item : nodes.list_item;
    if (currentItem === itemType) {
      dispatch?.(state.tr.setNodeMarkup(current.pos, listType));
      return true;
    }
    // A task list and a bullet list hold different item types: lift out, then wrap again.
    if (!dispatch || !view) return liftListItem(currentItem)(state);
    liftListItem(currentItem)(state, (tr) => view.dispatch(tr));
    return wrapInList(listType)(view.state, (tr) => view.dispatch(tr));
  };
}

/** Enter in a list: splits the item; a new task starts unchecked. */
export const splitAnyListItem: Command = (state, dispatch) =>
  splitListItem(nodes.list_item)(state, dispatch) || splitListItem(nodes.task_item, { checked: false })(state, dispatch);

/** Tab in a list: indents the item. Outside lists it does nothing, so Tab still moves focus. */
export const sinkAnyListItem: Command = (state, dispatch) => {
  if (!findAncestor(state, ITEM_TYPES)) return false;
  // Consumed even when the item cannot move (first in its list), so Tab never jumps out of the text mid-list.
  if (!sinkListItem(nodes.list_item)(state, dispatch)) sinkListItem(nodes.task_item)(state, dispatch);
  return true;
};

/** Shift-Tab in a list: outdents the item (out of the list at the top level). */
export const liftAnyListItem: Command = (state, dispatch) => {
  if (!findAncestor(state, ITEM_TYPES)) return false;
  if (!liftListItem(nodes.list_item)(state, dispatch)) liftListItem(nodes.task_item)(state, dispatch);
  return true;
};

/** Checks or unchecks the task item the cursor is in. */
export const toggleTaskChecked: Command = (state, dispatch) => {
  const item = findAncestor(state, [nodes.task_item]);
  if (!item) return false;
  dispatch?.(state.tr.setNodeMarkup(item.pos, undefined, { ...item.node.attrs, checked: !item.node.attrs.checked }));
  return true;
};

/** The link mark's range and href around the cursor, if the cursor is in a link. */
export function linkAtSelection(state: EditorState): { from: number; to: number; href: string } | undefined {
  const type = schema.marks.link;
  const { $from, from, to, empty } = state.selection;
  if (!empty) {
    let found: string | undefined;
    state.doc.nodesBetween(from, to, (node) => {
      const mark = type.isInSet(node.marks);
      if (mark && found === undefined) found = String(mark.attrs.href);
    });
    return found === undefined ? undefined : { from, to, href: found };
  }
  const mark = type.isInSet($from.marks());
  if (!mark) return undefined;
  // Expand to the contiguous run of text carrying this very mark.
  const parent = $from.parent;
  const start = $from.start();
  let runFrom = from;
  let runTo = from;
  parent.forEach((child, offset) => {
    const a = start + offset;
    const b = a + child.nodeSize;
    if (mark.isInSet(child.marks) && a <= from && b >= from) {
      runFrom = Math.min(runFrom, a);
      runTo = Math.max(runTo, b);
    }
  });
  return { from: runFrom, to: runTo, href: String(mark.attrs.href) };
}

/** Sets (or, with null, removes) a link on the selection; with an empty selection inserts the address as text. */
export function setLink(href: string | null): Command {
  const type = schema.marks.link;
  return (state, dispatch) => {
    const existing = linkAtSelection(state);
    const { from, to, empty } = state.selection;
    const range = existing ?? { from, to };
    if (!dispatch) return true;
    const tr = state.tr;
    if (href === null) {
      tr.removeMark(range.from, range.to, type);
    } else if (empty && !existing) {
      tr.insert(from, schema.text(href, [type.create({ href })]));
    } else {
      tr.removeMark(range.from, range.to, type).addMark(range.from, range.to, type.create({ href }));
    }
    dispatch(tr.scrollIntoView());
    return true;
  };
}
