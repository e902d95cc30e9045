import type { DecorationAttrs } from "prosemirror-view";
import type { Awareness } from "y-protocols/awareness";
import { personIdOf, presenceColors } from "../collab/presenceColors.ts";

const HEX = /^#[0-9a-fA-F]{6}$/;
const FALLBACK_COLOR = "#6b7280";

/** The fields of a remote awareness `user` we draw; anything missing or malformed gets a safe default. */
export interface CursorUser {
  name: string;
  color: string;
  external: boolean;
  company: string;
}

/** Reads an awareness `user` value defensively (it comes from the network). */
export function toCursorUser(user: unknown): CursorUser {
  const u = (user ?? {}) as Record<string, unknown>;
  return {
    name: typeof u.name === "string" && u.name.trim() ? u.name : "Someone",
    color: typeof u.color === "string" && HEX.test(u.color) ? u.color : FALLBACK_COLOR,
    external: u.external === true,
    company: typeof u.company === "string" ? u.company : "",
  };
}

/** Black or white, whichever reads better on `hex`. */
export function textColorOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 160 ? "#111827" : "#ffffff";
}

/** The person each remote caret element belongs to; read by the label overlay (cursorLabels.ts). */
export const caretUsers = new WeakMap<HTMLElement, CursorUser>();

/**
 * Draws another person's caret: a thin line in their colour, with no text inside, so the document's
 * text (copying, find, screen readers, tests) never contains other people's names. The name label
 * is drawn above it by the overlay in cursorLabels.ts.
 */
export function cursorBuilder(user: unknown, clientId: number): HTMLElement {
  const u = toCursorUser(user);
  const caret = document.createElement("span");
  caret.className = "ProseMirror-yjs-caret";
  caret.dataset.clientId = String(clientId);
  caret.style.borderColor = u.color;
  caret.setAttribute("aria-hidden", "true");
  caretUsers.set(caret, u);
  return caret;
}

/** The name label of a remote caret (as text), marked when the person is external. */
export function buildCursorLabel(u: CursorUser): HTMLElement {
  const label = document.createElement("div");
  label.className = "ProseMirror-yjs-cursor-label";
  label.style.backgroundColor = u.color;
  label.style.color = textColorOn(u.color);
  label.textContent = u.name;
  if (u.external) {
    const badge = document.createElement("span");
    badge.className = "cursor-external";
    badge.textContent = u.company ? `external · ${u.company}` : "external";
    label.appendChild(badge);
  }
  return label;
}

/** Tints another person's selection with a light version of `color` (their colour among those present). */
export function selectionAttrs(color: string): DecorationAttrs {
  return { style: `background-color: ${color}33`, class: "ProseMirror-yjs-selection" };
}

/**
 * The caret and selection builders for y-prosemirror's cursor plugin, drawing each person in the
 * colour they have among the people present (the same as their avatar's).
 */
export function cursorBuilders(awareness: Awareness): {
  cursorBuilder(user: unknown, clientId: number): HTMLElement;
  selectionBuilder(user: unknown, clientId: number): DecorationAttrs;
} {
  const colorOf = (user: unknown, clientId: number) => presenceColors(awareness).get(personIdOf(clientId, { user })) ?? toCursorUser(user).color;
  return {
    cursorBuilder: (user, clientId) => cursorBuilder({ ...(user as object), color: colorOf(user, clientId) }, clientId),
    selectionBuilder: (user, clientId) => selectionAttrs(colorOf(user, clientId)),
  };
}
