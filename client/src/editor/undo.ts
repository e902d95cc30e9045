import * as Y from "yjs";
import type { Command, EditorState } from "prosemirror-state";
import type { EditorView } from "prosemirror-view";
import { defaultDeleteFilter, defaultProtectedNodes, ySyncPluginKey, yUndoPluginKey } from "y-prosemirror";
import { schema } from "@confer/shared/schema";

/**
 * The undo manager for the document body. It differs from y-prosemirror's default in one way: an
 * undo never removes the last block of the document. Without that, undoing everything leaves the
 * Yjs body empty while ProseMirror (whose document needs one block) shows an empty paragraph; the
 * binding then writes that paragraph back as a fresh edit on the next keystroke or click, and a
 * fresh edit throws the redo history away (type, Ctrl+Z, Ctrl+Y did nothing).
 */
export function createUndoManager(fragment: Y.XmlFragment): Y.UndoManager {
  return new Y.UndoManager(fragment, {
    trackedOrigins: new Set([ySyncPluginKey]),
    captureTransaction: (tr) => tr.meta.get("addToHistory") !== false,
    deleteFilter: (item) => defaultDeleteFilter(item, defaultProtectedNodes) && !isLastTextblock(item, fragment),
  });
}

/** Whether `item` is the only block left in `fragment` and one that can stand empty (a paragraph, heading…). */
function isLastTextblock(item: Y.Item, fragment: Y.XmlFragment): boolean {
  if (item.parent !== fragment || !(item.content instanceof Y.ContentType)) return false;
  const type = item.content.type;
  if (!(type instanceof Y.XmlElement)) return false;
  const live = fragment.toArray().filter((child) => !child._item?.deleted);
  return live.length === 1 && live[0] === type && !!schema.nodes[type.nodeName as keyof typeof schema.nodes]?.isTextblock;
}

/**
 * After an undo or redo that left the Yjs body empty (the last block was a list or a quote, which
 * cannot stand empty), ProseMirror shows an empty paragraph Yjs does not have. Write it now, outside
 * the history, so that it is not taken as a new edit that would clear the redo stack.
 */
function settleEmptyBody(view: EditorView | undefined): void {
  if (!view) return;
  const sync = ySyncPluginKey.getState(view.state) as { binding?: { type: Y.XmlFragment; doc: Y.Doc; mux(f: () => void): void; _prosemirrorChanged(doc: unknown): void } } | undefined;
  const binding = sync?.binding;
  if (!binding || binding.type.length > 0) return;
  binding.mux(() => {
    binding.doc.transact((tr) => {
      tr.meta.set("addToHistory", false);
      binding._prosemirrorChanged(view.state.doc);
    }, ySyncPluginKey);
  });
}

function undoManagerOf(state: EditorState): Y.UndoManager | undefined {
  return (yUndoPluginKey.getState(state) as { undoManager?: Y.UndoManager } | undefined)?.undoManager;
}

/** Undoes this person's last change (never other people's). */
export const undo: Command = (state, dispatch, view) => {
  const um = undoManagerOf(state);
  if (!um?.canUndo()) return false;
  if (!dispatch) return true;
  um.undo();
  settleEmptyBody(view);
  return true;
};

/** Redoes the change this person last undid. */
export const redo: Command = (state, dispatch, view) => {
  const um = undoManagerOf(state);
  if (!um?.canRedo()) return false;
  if (!dispatch) return true;
  um.redo();
  settleEmptyBody(view);
  return true;
};
