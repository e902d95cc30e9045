/** Whether the person is on a Mac, where "Mod" is ⌘ instead of Ctrl. */
export const IS_MAC = typeof navigator !== "undefined" && /Mac|iP(hone|ad|od)/.test(navigator.platform || navigator.userAgent);

/** Shortcut keys in ProseMirror notation (e.g. "Mod-Shift-s"), one per action shown to people. */
export const KEYS = {
  bold: "Mod-b",
  italic: "Mod-i",
  strike: "Mod-Shift-s",
  code: "Mod-e",
  link: "Mod-k",
  h1: "Mod-Alt-1",
  h2: "Mod-Alt-2",
  h3: "Mod-Alt-3",
  paragraph: "Mod-Alt-0",
  undo: "Mod-z",
  redo: "Mod-Shift-z",
  redoAlt: "Mod-y",
  hardBreak: "Shift-Enter",
  toggleTask: "Mod-Enter",
  indent: "Tab",
  outdent: "Shift-Tab",
  toolbar: "Alt-F10",
  meeting: "Mod-Alt-m",
} as const;

/** A ProseMirror key name as people read it on this platform, e.g. "Ctrl+Shift+S" or "⌘⇧S". */
export function formatKeys(keys: string): string {
  const parts = keys.split("-").map((p) => {
    switch (p) {
      case "Mod":
        return IS_MAC ? "⌘" : "Ctrl";
      case "Alt":
        return IS_MAC ? "⌥" : "Alt";
      case "Shift":
        return IS_MAC ? "⇧" : "Shift";
      default:
        return p.length === 1 ? p.toUpperCase() : p;
    }
  });
  return parts.join(IS_MAC ? "" : "+");
}

/** The same key in ARIA notation for `aria-keyshortcuts`, e.g. "Control+Shift+S". */
export function ariaKeys(keys: string): string {
  return keys
    .split("-")
    .map((p) => (p === "Mod" ? (IS_MAC ? "Meta" : "Control") : p.length === 1 ? p.toUpperCase() : p))
    .join("+");
}

/** One group of the shortcut help: a heading and rows of [what, keys or typed text]. */
export interface ShortcutGroup {
  title: string;
  note?: string;
  rows: { what: string; keys?: string; typed?: string }[];
}

/** Everything the help popover lists. Keys here must match keymap.ts and inputRules.ts. */
export const SHORTCUT_HELP: ShortcutGroup[] = [
  {
    title: "Text",
    rows: [
      { what: "Bold", keys: KEYS.bold, typed: "**text**" },
      { what: "Italic", keys: KEYS.italic, typed: "*text* or _text_" },
      { what: "Strikethrough", keys: KEYS.strike, typed: "~~text~~" },
      { what: "Inline code", keys: KEYS.code, typed: "`code`" },
      { what: "Link", keys: KEYS.link },
      { what: "Line break", keys: KEYS.hardBreak },
    ],
  },
  {
    title: "Blocks",
    note: "Type these at the start of a line; all but ``` and --- need a space after them.",
    rows: [
      { what: "Heading 1–3", keys: "Mod-Alt-1 … 3", typed: "#  ##  ###" },
      { what: "Paragraph", keys: KEYS.paragraph },
      { what: "Bulleted list", typed: "-  or  *" },
      { what: "Numbered list", typed: "1." },
      { what: "Task list", typed: "[ ]  or  [x]" },
      { what: "Check or uncheck task", keys: KEYS.toggleTask },
      { what: "Quote", typed: ">" },
      { what: "Code block", typed: "```" },
      { what: "Divider", typed: "---" },
      { what: "Indent / outdent list item", keys: `${KEYS.indent} / ${KEYS.outdent}` },
    ],
  },
  {
    title: "Editing",
    rows: [
      { what: "Undo", keys: KEYS.undo },
      { what: "Redo", keys: `${KEYS.redo} or ${KEYS.redoAlt}` },
      { what: "Move to the toolbar", keys: KEYS.toolbar },
    ],
  },
  {
    title: "Meetings",
    rows: [{ what: "Start a meeting here, or join the live one", keys: KEYS.meeting }],
  },
];

/** Formats a keys string that may hold several alternatives ("A or B", "A / B", "X … 3"). */
export function formatKeyPhrase(phrase: string): string {
  return phrase
    .split(" ")
    .map((word) => (/^(Mod|Alt|Shift|Tab|Enter|Ctrl)/.test(word) ? formatKeys(word) : word))
    .join(" ");
}
