import { Plugin } from "prosemirror-state";
import type { EditorView } from "prosemirror-view";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { buildCursorLabel, caretUsers, type CursorUser } from "./cursors.ts";
import { personIdOf, presenceColors } from "../collab/presenceColors.ts";

/** How long a name label stays after its person last moved their cursor. */
export const LABEL_IDLE_MS = 3000;
/** How near (px) the mouse must come to a caret to show its name again. */
const HOVER_SLOP = 6;

interface Label {
  el: HTMLElement;
  user: CursorUser;
  caret: HTMLElement;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Draws other people's name labels in a layer beside the text rather than inside it, positioned on
 * the carets that y-prosemirror's cursor plugin renders. Each label is a `.ProseMirror-yjs-cursor`;
 * it fades (class `idle`) a few seconds after its person stops moving or typing, and comes back when
 * they move or type, or when the mouse comes near their caret.
 */
class CursorLabelLayer {
  private readonly layer: HTMLDivElement;
  private readonly labels = new Map<string, Label>();
  private readonly resize: ResizeObserver | undefined;
  private readonly lastCursor = new Map<number, string>();

  constructor(
    private readonly view: EditorView,
    private readonly awareness: Awareness,
  ) {
    this.layer = document.createElement("div");
    this.layer.className = "remote-cursors";
    this.layer.setAttribute("aria-hidden", "true");
    view.dom.parentElement?.appendChild(this.layer);
    this.resize = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(() => this.layout());
    this.resize?.observe(view.dom);
    awareness.on("change", this.onAwareness);
    awareness.doc.on("afterTransaction", this.onTransaction);
    view.dom.addEventListener("mousemove", this.onMouseMove);
    this.layout();
  }

  update(): void {
    this.layout();
  }

  /** A person whose cursor moved shows their name again. */
  private readonly onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
    for (const id of removed) this.lastCursor.delete(id);
    for (const id of [...added, ...updated]) {
      const cursor = JSON.stringify((this.awareness.getStates().get(id) as { cursor?: unknown } | undefined)?.cursor ?? null);
      if (this.lastCursor.get(id) === cursor) continue;
      this.lastCursor.set(id, cursor);
      const label = this.labels.get(String(id));
      if (label) this.wake(label);
    }
  };

  /**
   * A person who types shows their name again. Typing at the end of a line leaves their cursor's
   * relative position as it was, so their writing is read from the document: the clients whose
   * clocks moved in a transaction wrote in it (a Y.Doc's client id is its awareness id).
   */
  private readonly onTransaction = (transaction: Y.Transaction) => {
    if (transaction.local) return;
    transaction.afterState.forEach((end, client) => {
      if (end <= (transaction.beforeState.get(client) ?? 0)) return;
      const label = this.labels.get(String(client));
      if (label) this.wake(label);
    });
  };

  private readonly onMouseMove = (e: MouseEvent) => {
    for (const label of this.labels.values()) {
      const r = label.caret.getBoundingClientRect();
      const near = e.clientX >= r.left - HOVER_SLOP && e.clientX <= r.right + HOVER_SLOP && e.clientY >= r.top - HOVER_SLOP && e.clientY <= r.bottom + HOVER_SLOP;
      if (near) this.wake(label);
    }
  };

  private wake(label: Label): void {
    label.el.classList.remove("idle");
    clearTimeout(label.timer);
    label.timer = setTimeout(() => label.el.classList.add("idle"), LABEL_IDLE_MS);
  }

  private layout(): void {
    const host = this.layer.parentElement;
    if (!host) return;
    const origin = host.getBoundingClientRect();
    const colors = presenceColors(this.awareness);
    const states = this.awareness.getStates();
    const seen = new Set<string>();
    for (const caret of this.view.dom.querySelectorAll<HTMLElement>(".ProseMirror-yjs-caret")) {
      const id = caret.dataset.clientId;
      const built = caretUsers.get(caret);
      if (!id || !built) continue;
      // The caret is reused while its person stays; their colour can change when others join.
      const color = colors.get(personIdOf(Number(id), states.get(Number(id)))) ?? built.color;
      const user = { ...built, color };
      caret.style.borderColor = color;
      seen.add(id);
      let label = this.labels.get(id);
      if (!label || !sameUser(label.user, user)) {
        if (label) clearTimeout(label.timer);
        label?.el.remove();
        const el = document.createElement("div");
        el.className = "ProseMirror-yjs-cursor";
        el.dataset.clientId = id;
        el.appendChild(buildCursorLabel(user));
        this.layer.appendChild(el);
        label = { el, user, caret };
        this.labels.set(id, label);
        this.wake(label);
      }
      label.caret = caret;
      const rect = caret.getBoundingClientRect();
      label.el.style.transform = `translate(${Math.round(rect.left - origin.left)}px, ${Math.round(rect.top - origin.top)}px)`;
      label.el.style.height = `${Math.round(rect.height)}px`;
    }
    for (const [id, label] of this.labels) {
      if (seen.has(id)) continue;
      clearTimeout(label.timer);
      label.el.remove();
      this.labels.delete(id);
    }
  }

  destroy(): void {
    this.resize?.disconnect();
    this.awareness.off("change", this.onAwareness);
    this.awareness.doc.off("afterTransaction", this.onTransaction);
    this.view.dom.removeEventListener("mousemove", this.onMouseMove);
    for (const label of this.labels.values()) clearTimeout(label.timer);
    this.layer.remove();
  }
}

function sameUser(a: CursorUser, b: CursorUser): boolean {
  return a.name === b.name && a.color === b.color && a.external === b.external && a.company === b.company;
}

/** Shows other people's names above their carets, outside the document's text. */
export function cursorLabels(awareness: Awareness): Plugin {
  return new Plugin({ view: (view) => new CursorLabelLayer(view, awareness) });
}
