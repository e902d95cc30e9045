import { Plugin } from "prosemirror-state";
import type { EditorView } from "prosemirror-view";
import { buildCursorLabel, caretUsers, type CursorUser } from "./cursors.ts";

/**
 * Draws other people's name labels in a layer beside the text rather than inside it, positioned on
 * the carets that y-prosemirror's cursor plugin renders. Each label is a `.ProseMirror-yjs-cursor`.
 */
class CursorLabelLayer {
  private readonly layer: HTMLDivElement;
  private readonly labels = new Map<string, { el: HTMLElement; user: CursorUser }>();
  private readonly resize: ResizeObserver | undefined;

  constructor(private readonly view: EditorView) {
    this.layer = document.createElement("div");
    this.layer.className = "remote-cursors";
    this.layer.setAttribute("aria-hidden", "true");
    view.dom.parentElement?.appendChild(this.layer);
    this.resize = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(() => this.layout());
    this.resize?.observe(view.dom);
    this.layout();
  }

  update(): void {
    this.layout();
  }

  private layout(): void {
    const host = this.layer.parentElement;
    if (!host) return;
    const origin = host.getBoundingClientRect();
    const seen = new Set<string>();
    for (const caret of this.view.dom.querySelectorAll<HTMLElement>(".ProseMirror-yjs-caret")) {
      const id = caret.dataset.clientId;
      const user = caretUsers.get(caret);
      if (!id || !user) continue;
      seen.add(id);
      let entry = this.labels.get(id);
      if (!entry || !sameUser(entry.user, user)) {
        entry?.el.remove();
        const el = document.createElement("div");
        el.className = "ProseMirror-yjs-cursor";
        el.appendChild(buildCursorLabel(user));
        this.layer.appendChild(el);
        entry = { el, user };
        this.labels.set(id, entry);
      }
      const rect = caret.getBoundingClientRect();
      entry.el.style.transform = `translate(${Math.round(rect.left - origin.left)}px, ${Math.round(rect.top - origin.top)}px)`;
      entry.el.style.height = `${Math.round(rect.height)}px`;
    }
    for (const [id, entry] of this.labels) {
      if (seen.has(id)) continue;
      entry.el.remove();
      this.labels.delete(id);
    }
  }

  destroy(): void {
    this.resize?.disconnect();
    this.layer.remove();
  }
}

function sameUser(a: CursorUser, b: CursorUser): boolean {
  return a.name === b.name && a.color === b.color && a.external === b.external && a.company === b.company;
}

/** Shows other people's names above their carets, outside the document's text. */
export function cursorLabels(): Plugin {
  return new Plugin({ view: (view) => new CursorLabelLayer(view) });
}
