import type { ReactNode } from "react";
import type { EditorState, Command } from "prosemirror-state";
import {
  Bold,
  Code,
  Heading1,
  Heading2,
  Heading3,
  Italic,
  Link,
  List,
  ListOrdered,
  ListTodo,
  Minus,
  Pilcrow,
  Redo2,
  SquareCode,
  Strikethrough,
  TextQuote,
  Undo2,
} from "lucide-react";
import { schema } from "@confer/shared/schema";
import { KEYS } from "../shortcuts.ts";
import { redo, undo } from "../undo.ts";
import {
  findAncestor,
  insertHorizontalRule,
  isBlockActive,
  isInList,
  isMarkActive,
  markCommand,
  setParagraph,
  toggleBlockquote,
  toggleCodeBlock,
  toggleHeading,
  toggleList,
} from "../commands.ts";

/** One toolbar button: what it does, how it looks, and when it shows as pressed. */
export interface ToolbarItem {
  id: string;
  label: string;
  icon: ReactNode;
  keys?: string;
  /** Runs the action; "link" is special-cased by the toolbar (it opens a popover). */
  command: Command | "link";
  /** For toggles: whether the action is in effect at the selection (drives aria-pressed). */
  active?: (state: EditorState) => boolean;
}

const { marks, nodes } = schema;
const ICON = { size: 18, strokeWidth: 2, "aria-hidden": true } as const;

/** The toolbar's buttons, in groups separated visually. */
export const TOOLBAR_GROUPS: ToolbarItem[][] = [
  [
    { id: "bold", label: "Bold", icon: <Bold {...ICON} />, keys: KEYS.bold, command: markCommand(marks.strong), active: (s) => isMarkActive(s, marks.strong) },
    { id: "italic", label: "Italic", icon: <Italic {...ICON} />, keys: KEYS.italic, command: markCommand(marks.em), active: (s) => isMarkActive(s, marks.em) },
    {
      id: "strike",
      label: "Strikethrough",
      icon: <Strikethrough {...ICON} />,
      keys: KEYS.strike,
      command: markCommand(marks.strike),
      active: (s) => isMarkActive(s, marks.strike),
    },
    { id: "code", label: "Inline code", icon: <Code {...ICON} />, keys: KEYS.code, command: markCommand(marks.code), active: (s) => isMarkActive(s, marks.code) },
    { id: "link", label: "Link", icon: <Link {...ICON} />, keys: KEYS.link, command: "link", active: (s) => isMarkActive(s, marks.link) },
  ],
  [
    { id: "h1", label: "Heading 1", icon: <Heading1 {...ICON} />, keys: KEYS.h1, command: toggleHeading(1), active: (s) => isBlockActive(s, nodes.heading, { level: 1 }) },
    { id: "h2", label: "Heading 2", icon: <Heading2 {...ICON} />, keys: KEYS.h2, command: toggleHeading(2), active: (s) => isBlockActive(s, nodes.heading, { level: 2 }) },
    { id: "h3", label: "Heading 3", icon: <Heading3 {...ICON} />, keys: KEYS.h3, command: toggleHeading(3), active: (s) => isBlockActive(s, nodes.heading, { level: 3 }) },
    { id: "paragraph", label: "Paragraph", icon: <Pilcrow {...ICON} />, keys: KEYS.paragraph, command: setParagraph, active: (s) => isBlockActive(s, nodes.paragraph) },
  ],
  [
    { id: "bullet", label: "Bulleted list", icon: <List {...ICON} />, command: toggleList(nodes.bullet_list), active: (s) => isInList(s, nodes.bullet_list) },
    { id: "ordered", label: "Numbered list", icon: <ListOrdered {...ICON} />, command: toggleList(nodes.ordered_list), active: (s) => isInList(s, nodes.ordered_list) },
    { id: "task", label: "Task list", icon: <ListTodo {...ICON} />, command: toggleList(nodes.task_list), active: (s) => isInList(s, nodes.task_list) },
    { id: "quote", label: "Quote", icon: <TextQuote {...ICON} />, command: toggleBlockquote, active: (s) => !!findAncestor(s, [nodes.blockquote]) },
    { id: "codeblock", label: "Code block", icon: <SquareCode {...ICON} />, command: toggleCodeBlock, active: (s) => isBlockActive(s, nodes.code_block) },
    { id: "hr", label: "Divider", icon: <Minus {...ICON} />, command: insertHorizontalRule },
  ],
  [
    { id: "undo", label: "Undo", icon: <Undo2 {...ICON} />, keys: KEYS.undo, command: undo },
    { id: "redo", label: "Redo", icon: <Redo2 {...ICON} />, keys: KEYS.redo, command: redo },
  ],
];
