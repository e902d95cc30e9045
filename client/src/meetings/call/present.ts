import { useCallback, useEffect, useRef, useState } from "react";
import * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import type { EditorView } from "prosemirror-view";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "y-prosemirror";
import { showPresenterSelection } from "../../editor/presenterHighlight.ts";

// "Present": the presenter's view of the document (what is at the top of their screen, and their
// selection) travels in Yjs awareness, as relative positions, and the others in the meeting follow it.
// Awareness rather than LiveKit data messages: the server stamps every awareness state with the real
// person (a name cannot be faked), relative positions survive concurrent edits, the positions are
// already y-prosemirror's currency, and it works the same whether or not media flows.

/** Awareness field a presenter sets; null or absent when they are not presenting. */
export const PRESENT_FIELD = "present";

/** What a presenter publishes. Positions are Yjs relative positions (JSON), so edits do not shift them. */
export interface PresentState {
  meetingId: string;
  /** The document position at the top of the presenter's screen, and how far above it their screen starts (px). */
  top: unknown;
  offset: number;
  anchor: unknown;
  head: unknown;
  /** When they started presenting (ms): the latest presenter wins if two present at once. */
  since: number;
}

/** Someone presenting in this meeting, as the others see them. */
export interface Presenter {
  userId: string;
  name: string;
  state: PresentState;
}

/** The person presenting in `meetingId` (the latest to start), other than `selfClientId`'s. */
export function findPresenter(states: Map<number, Record<string, unknown>>, meetingId: string, selfClientId: number): Presenter | undefined {
  let found: Presenter | undefined;
  for (const [clientId, s] of states) {
    const p = s[PRESENT_FIELD] as PresentState | null | undefined;
    const user = s.user as { id?: unknown; name?: unknown } | undefined;
    if (clientId === selfClientId || !p || p.meetingId !== meetingId || typeof user?.id !== "string") continue;
    if (!found || p.since > found.state.since) found = { userId: user.id, name: typeof user.name === "string" ? user.name : "Someone", state: p };
  }
  return found;
}

/** Keys that scroll the page when pressed outside a text field: pressing one means "I'll scroll myself". */
export function isScrollKey(e: KeyboardEvent): boolean {
  if (["PageUp", "PageDown", "Home", "End"].includes(e.key)) return true;
  const target = e.target as HTMLElement | null;
  const typing = !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  return !typing && ["ArrowUp", "ArrowDown", " "].includes(e.key);
}

/** Where the text becomes visible below the sticky bars (px from the window's top). */
function visibleTop(): number {
  let top = 0;
  for (const el of document.querySelectorAll(".topbar, .editor-head")) top = Math.max(top, el.getBoundingClientRect().bottom);
  return top;
}

function binding(view: EditorView) {
  return ySyncPluginKey.getState(view.state) as { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: Map<never, never> } } | undefined;
}

const toRelative = (view: EditorView, pos: number): unknown => {
  const y = binding(view);
  return y ? Y.relativePositionToJSON(absolutePositionToRelativePosition(pos, y.type, y.binding.mapping as never)) : null;
};

const toAbsolute = (view: EditorView, rel: unknown): number | null => {
  const y = binding(view);
  if (!y || !rel) return null;
  try {
    return relativePositionToAbsolutePosition(y.doc, y.type, Y.createRelativePositionFromJSON(rel), y.binding.mapping as never);
  } catch {
    return null;
  }
};

/** What this page publishes while presenting. */
function snapshot(view: EditorView, meetingId: string, since: number): PresentState | undefined {
  const top = visibleTop();
  const box = view.dom.getBoundingClientRect();
  const at = view.posAtCoords({ left: box.left + Math.min(40, box.width / 2), top: Math.max(top + 4, box.top + 1) });
  const pos = at?.pos ?? 0;
  const offset = view.coordsAtPos(pos).top - top;
  const { anchor, head } = view.state.selection;
  return { meetingId, top: toRelative(view, pos), offset, anchor: toRelative(view, anchor), head: toRelative(view, head), since };
}

/**
 * Brings this page's view to the presenter's: the same text at the top, their selection shown.
 * Returns the selection shown, so the next call only dispatches when it changed.
 */
function followOnce(view: EditorView, p: Presenter, shown: string): string {
  const pos = toAbsolute(view, p.state.top);
  if (pos !== null) {
    const target = window.scrollY + view.coordsAtPos(pos).top - visibleTop() - p.state.offset;
    if (Math.abs(target - window.scrollY) > 1) window.scrollTo({ top: target });
  }
  const anchor = toAbsolute(view, p.state.anchor);
  const head = toAbsolute(view, p.state.head);
  if (anchor === null || head === null) return shown;
  const sel = { from: Math.min(anchor, head), to: Math.max(anchor, head), name: p.name };
  const key = `${sel.from}:${sel.to}:${sel.name}`;
  if (key !== shown) showPresenterSelection(view, sel);
  return key;
}

/** Presenting and following in one meeting, for the meeting panel. */
export function usePresenting(awareness: Awareness | undefined, view: EditorView | undefined, meetingId: string) {
  const [presenting, setPresenting] = useState(false);
  const [presenter, setPresenter] = useState<Presenter>();
  /** The presenter this page stopped following (it follows again when someone else starts). */
  const [stoppedFor, setStoppedFor] = useState<string>();
  const since = useRef(0);
  const following = !!presenter && !presenting && stoppedFor !== `${presenter.userId}:${presenter.state.since}`;

  // Who presents: read from awareness on every change.
  useEffect(() => {
    if (!awareness) return;
    let last = "";
    const read = () => {
      const found = findPresenter(awareness.getStates() as Map<number, Record<string, unknown>>, meetingId, awareness.clientID);
      // Other people's cursors change awareness all the time: only a change of the presenter's view counts.
      const key = JSON.stringify(found ?? null);
      if (key === last) return;
      last = key;
      setPresenter(found);
    };
    read();
    awareness.on("change", read);
    return () => awareness.off("change", read);
  }, [awareness, meetingId]);

  // Presenting: publish on scroll and selection changes (at most once a frame), clear on stop.
  useEffect(() => {
    if (!presenting || !awareness || !view) return;
    let frame = 0;
    const publish = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (!view.isDestroyed) awareness.setLocalStateField(PRESENT_FIELD, snapshot(view, meetingId, since.current));
      });
    };
    publish();
    window.addEventListener("scroll", publish, { passive: true });
    window.addEventListener("resize", publish);
    document.addEventListener("selectionchange", publish);
    view.dom.addEventListener("keyup", publish);
    view.dom.addEventListener("mouseup", publish);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("scroll", publish);
      window.removeEventListener("resize", publish);
      document.removeEventListener("selectionchange", publish);
      view.dom.removeEventListener("keyup", publish);
      view.dom.removeEventListener("mouseup", publish);
      awareness.setLocalStateField(PRESENT_FIELD, null);
    };
  }, [presenting, awareness, view, meetingId]);

  // Following: move with the presenter (and with edits that move their text) until the person scrolls.
  const stopFollowing = useCallback(() => presenter && setStoppedFor(`${presenter.userId}:${presenter.state.since}`), [presenter]);
  useEffect(() => {
    if (!following || !view || !presenter) return;
    let shown = followOnce(view, presenter, "");
    const y = binding(view);
    // Edits from others move the presenter's text: follow again (never on this page's own
    // transactions, which the editor binding makes on every view update).
    const again = (tr: Y.Transaction) => {
      if (!tr.local) shown = followOnce(view, presenter, shown);
    };
    y?.doc.on("afterTransaction", again);
    const mine = (e: Event) => {
      if (e.type !== "keydown" || isScrollKey(e as KeyboardEvent)) stopFollowing();
    };
    window.addEventListener("wheel", mine, { passive: true });
    window.addEventListener("touchmove", mine, { passive: true });
    window.addEventListener("keydown", mine);
    return () => {
      y?.doc.off("afterTransaction", again);
      window.removeEventListener("wheel", mine);
      window.removeEventListener("touchmove", mine);
      window.removeEventListener("keydown", mine);
    };
  }, [following, view, presenter, stopFollowing]);

  // The highlight goes when nobody is followed any more.
  useEffect(() => {
    if (following || !view) return;
    showPresenterSelection(view, null);
  }, [following, view]);

  const togglePresent = useCallback(() => {
    since.current = Date.now();
    setPresenting((p) => !p);
  }, []);
  const follow = useCallback(() => setStoppedFor(undefined), []);
  return { presenting, togglePresent, presenter: presenting ? undefined : presenter, following, follow, stopFollowing };
}
