import { keymap } from "prosemirror-keymap";
import { baseKeymap, chainCommands, exitCode, newlineInCode, setBlockType } from "prosemirror-commands";
import { undoInputRule } from "prosemirror-inputrules";
import type { Command, Plugin } from "prosemirror-state";
import { schema } from "@confer/shared/schema";
import { KEYS } from "./shortcuts.ts";
import { redo, undo } from "./undo.ts";
import { liftAnyListItem, markCommand, sinkAnyListItem, splitAnyListItem, toggleTaskChecked } from "./commands.ts";

/** Things the keymap asks the surrounding UI to do (open the link popover, focus the toolbar, start a meeting). */
export interface EditorUi {
  openLinkEditor(): void;
  focusToolbar(): void;
  /** Starts a meeting at the cursor (or joins the live one); false when the page offers no meetings. */
  startMeeting?(): boolean;
}

const insertHardBreak: Command = (state, dispatch) => {
  const br = schema.nodes.hard_break;
  const { $from } = state.selection;
  if (!$from.parent.canReplaceWith($from.index(), $from.index(), br)) return false;
  dispatch?.(state.tr.replaceSelectionWith(br.create()).scrollIntoView());
  return true;
};

/** The editor's own shortcuts, followed by ProseMirror's base keymap. `ui` is read when a key is pressed. */
export function buildKeymaps(ui: { current: EditorUi }): Plugin[] {
  const { nodes, marks } = schema;
  const own: Record<string, Command> = {
    [KEYS.undo]: undo,
    [KEYS.redo]: redo,
    [KEYS.redoAlt]: redo,
    Backspace: undoInputRule,
    [KEYS.bold]: markCommand(marks.strong),
    [KEYS.italic]: markCommand(marks.em),
    [KEYS.strike]: markCommand(marks.strike),
    [KEYS.code]: markCommand(marks.code),
    [KEYS.link]: () => {
      ui.current.openLinkEditor();
      return true;
    },
    [KEYS.toolbar]: () => {
      ui.current.focusToolbar();
      return true;
    },
    [KEYS.meeting]: () => ui.current.startMeeting?.() ?? false,
    [KEYS.h1]: setBlockType(nodes.heading, { level: 1 }),
    [KEYS.h2]: setBlockType(nodes.heading, { level: 2 }),
    [KEYS.h3]: setBlockType(nodes.heading, { level: 3 }),
    [KEYS.paragraph]: setBlockType(nodes.paragraph),
    [KEYS.hardBreak]: chainCommands(newlineInCode, insertHardBreak),
    [KEYS.toggleTask]: chainCommands(toggleTaskChecked, exitCode),
    Enter: splitAnyListItem,
    [KEYS.indent]: sinkAnyListItem,
    [KEYS.outdent]: liftAnyListItem,
  };
  return [keymap(own), keymap(baseKeymap)];
}
