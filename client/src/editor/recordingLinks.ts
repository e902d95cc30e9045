import { DOMSerializer, type Mark } from "prosemirror-model";
import type { EditorView, MarkView } from "prosemirror-view";
import { safeHref } from "@confer/shared/schema";
import type { CardHub, PlayRequest } from "../meetings/CardHub.ts";

/** A meeting recording's path as the minutes writer links to it (server/src/minutes/document/blocks.ts). */
const RECORDING_PATH = /^\/api\/meetings\/([A-Za-z0-9_-]{1,64})\/recordings\/([^/]{1,200})$/;

/**
 * The recording a link of the minutes plays, if `href` is one: a same-origin
 * `/api/meetings/:id/recordings/:file`, from the media fragment's `#t=` seconds (0 without one).
 */
export function recordingLink(href: string, origin: string): Omit<PlayRequest, "label"> | undefined {
  let url: URL;
  try {
    url = new URL(href, origin);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined;
  const m = RECORDING_PATH.exec(url.pathname);
  if (!m) return undefined;
  let file: string;
  try {
    file = decodeURIComponent(m[2]!);
  } catch {
    return undefined;
  }
  const t = /(?:^#|&)t=(\d+(?:\.\d+)?)/.exec(url.hash);
  return { meetingId: m[1]!, file, at: t ? Number(t[1]) : 0 };
}

/**
 * Makes the minutes' timestamps and recording links play in the page's player (as Feishu Minutes
 * does) instead of opening the file: a click (or Enter on a focused link) on such a link inside
 * `root`. Returns the function that stops it.
 */
export function playRecordingLinks(root: HTMLElement, hub: CardHub): () => void {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
    if (!a || !root.contains(a)) return;
    const link = recordingLink(a.getAttribute("href") ?? "", window.location.origin);
    if (!link) return;
    e.preventDefault();
    // "0:12 · Bob Baker": the stamp, and the speaker named in bold right after it in a transcript line.
    const speaker = a.parentElement?.querySelector("strong")?.textContent?.replace(/:$/, "");
    const label = [a.textContent?.trim(), speaker].filter(Boolean).join(" · ");
    hub.actions.play({ ...link, label: label || "Recording" });
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}

/** Class of a link the minutes' player plays (a timestamp or a recording), as the editor renders it. */
export const RECORDING_LINK_CLASS = "recording-link";

/**
 * How the editor renders a link: a link to a recording of the page's own server is a button-like
 * link that is not editable text, so a click or Enter plays it (see playRecordingLinks) instead of
 * putting the cursor in it, and Tab reaches it in edit mode as in the read-only view. Other links
 * render as the schema says. The address is set as an attribute, never as HTML.
 */
export function linkView(mark: Mark, inline = true): MarkView {
  const href = safeHref(mark.attrs.href);
  if (!href || !recordingLink(href, window.location.origin)) return DOMSerializer.renderSpec(document, mark.type.spec.toDOM!(mark, inline));
  const a = document.createElement("a");
  a.href = href;
  a.className = RECORDING_LINK_CLASS;
  a.contentEditable = "false";
  a.tabIndex = 0;
  a.rel = "noopener noreferrer nofollow";
  a.title = "Play the recording from here";
  return { dom: a, contentDOM: a };
}

/** Whether an event is aimed at a recording link inside the editor rather than at its text. */
function onRecordingLink(view: EditorView, event: Event): boolean {
  const target = event.target instanceof Element ? event.target.closest(`a.${RECORDING_LINK_CLASS}`) : null;
  return !!target && view.dom.contains(target);
}

/**
 * Keeps the editor's hands off presses on a recording link: a mouse press does not move the text
 * cursor into it (no link card opens), and Enter on a focused one is the link's own (it plays)
 * rather than a new paragraph at the cursor.
 */
export const recordingLinkEvents = {
  mousedown: (view: EditorView, event: MouseEvent) => onRecordingLink(view, event),
  keydown: (view: EditorView, event: KeyboardEvent) => onRecordingLink(view, event),
};
