import type { Plugin } from "prosemirror-state";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import { ySyncPlugin, yCursorPlugin, yUndoPlugin } from "y-prosemirror";
import type * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import { buildInputRules } from "./inputRules.ts";
import { buildKeymaps, type EditorUi } from "./keymap.ts";
import { cursorBuilders } from "./cursors.ts";
import { placeholder } from "./placeholder.ts";
import { createUndoManager } from "./undo.ts";
import { pastePlugin } from "./paste/pastePlugin.ts";
import { cursorLabels } from "./cursorLabels.ts";
import { presenterHighlight } from "./presenterHighlight.ts";
import { foldPlugin } from "./detailsView.ts";

/** Everything the editor needs to be collaborative. */
export interface EditorPluginOptions {
  fragment: Y.XmlFragment;
  awareness: Awareness;
  ui: { current: EditorUi };
}

/** The editor's plugins: Yjs sync, remote cursors, Yjs-aware undo, shortcuts, input rules and cursors. */
export function buildPlugins({ fragment, awareness, ui }: EditorPluginOptions): Plugin[] {
  return [
    ySyncPlugin(fragment),
    yCursorPlugin(awareness, cursorBuilders(awareness)),
    cursorLabels(awareness),
    presenterHighlight(),
    foldPlugin(),
    yUndoPlugin({ undoManager: createUndoManager(fragment) }),
    pastePlugin(),
    buildInputRules(),
    ...buildKeymaps(ui),
    dropCursor({ color: "var(--accent)", width: 2 }),
    gapCursor(),
    placeholder("Start writing, or type # for a heading, - for a list, [ ] for a task…"),
  ];
}
