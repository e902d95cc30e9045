import type { Node as PMNode } from "prosemirror-model";
import { Plugin } from "prosemirror-state";
import type { EditorView, NodeView, ViewMutationRecord } from "prosemirror-view";
import { ySyncPluginKey } from "y-prosemirror";
import { DETAILS } from "@confer/shared/schema";

/** The node view behind each collapsible block's element, so the selection can open the one it enters. */
const views = new WeakMap<Node, DetailsView>();

/**
 * Which blocks this page has open, by the shared document's element behind each: ProseMirror may
 * replace a node view when the document changes around it (a remote edit), and the element outlives
 * that. Never synced, never stored: a reload shows every block folded again.
 */
const openBlocks = new WeakSet<object>();

/** The Yjs element behind `node` in the collaborative editor (undefined in a view without one). */
function sharedElementOf(view: EditorView, node: PMNode): object | undefined {
  const mapping = (ySyncPluginKey.getState(view.state) as { binding?: { mapping?: Map<object, PMNode> } } | undefined)?.binding?.mapping;
  if (!mapping) return undefined;
  for (const [type, mapped] of mapping) if (mapped === node) return type;
  return undefined;
}

/**
 * Renders a collapsible block (`details`) with a disclosure button before its summary line. Whether
 * it is open is this page's view of it, never written to the document: folding the transcript for me
 * folds it for nobody else. It starts folded. The body is hidden by CSS (`data-open`), so the
 * document's DOM and the clipboard are the same open or folded.
 */
export class DetailsView implements NodeView {
  readonly dom: HTMLDivElement;
  readonly contentDOM: HTMLDivElement;
  readonly toggle: HTMLButtonElement;
  private open = false;

  constructor(
    private node: PMNode,
    private readonly view?: EditorView,
  ) {
    this.dom = document.createElement("div");
    this.dom.className = "fold";
    this.toggle = document.createElement("button");
    this.toggle.type = "button";
    this.toggle.className = "fold-toggle";
    this.toggle.contentEditable = "false";
    // Pressing the button must not move the text cursor (nor start a selection) in the editor.
    this.toggle.addEventListener("mousedown", (e) => e.preventDefault());
    this.toggle.addEventListener("click", () => this.setOpen(!this.open));
    this.contentDOM = document.createElement("div");
    this.contentDOM.className = "fold-body";
    this.dom.append(this.toggle, this.contentDOM);
    views.set(this.dom, this);
    this.render();
    this.restore();
  }

  /** Opens it again if this page had it open before ProseMirror replaced its node view. */
  private restore(): void {
    if (!this.view) return;
    const found = sharedElementOf(this.view, this.node);
    if (found) {
      if (openBlocks.has(found)) this.setOpen(true);
      return;
    }
    // A node made by a local change is linked to its element once the change is synced (same task).
    queueMicrotask(() => {
      if (!this.view || this.view.isDestroyed) return;
      const later = sharedElementOf(this.view, this.node);
      if (later && openBlocks.has(later)) this.setOpen(true);
    });
  }

  /** Whether the body is shown on this page. */
  get isOpen(): boolean {
    return this.open;
  }

  setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.render();
    const element = this.view && sharedElementOf(this.view, this.node);
    if (element) {
      if (open) openBlocks.add(element);
      else openBlocks.delete(element);
    }
  }

  private render(): void {
    this.dom.dataset.open = String(this.open);
    this.toggle.setAttribute("aria-expanded", String(this.open));
    // The summary line names the button ("Transcript · 42 lines · 12 min"); set as text, never HTML.
    const summary = this.node.firstChild?.textContent.trim() || "Details";
    this.toggle.setAttribute("aria-label", summary);
    this.toggle.title = this.open ? "Fold" : "Unfold";
  }

  update(node: PMNode): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.render();
    return true;
  }

  stopEvent(event: Event): boolean {
    return event.target instanceof Node && this.toggle.contains(event.target);
  }

  ignoreMutation(mutation: ViewMutationRecord): boolean {
    return mutation.type !== "selection" && !this.contentDOM.contains(mutation.target);
  }

  destroy(): void {
    views.delete(this.dom);
  }
}

/** Opens, on this page, every folded block the text cursor moves into past its summary line. */
export function openAtSelection(view: EditorView): void {
  const { $head } = view.state.selection;
  // Only a cursor in text (a selection that lands between blocks is y-prosemirror restoring one).
  if (!$head.parent.inlineContent) return;
  for (let depth = $head.depth; depth > 0; depth--) {
    if ($head.node(depth).type.name !== DETAILS) continue;
    // In the summary line (the block's first child) the body may stay folded.
    if (depth + 1 <= $head.depth && $head.index(depth) === 0) continue;
    const dom = view.nodeDOM($head.before(depth));
    if (dom) views.get(dom)?.setOpen(true);
  }
}

/**
 * A plugin that opens a folded block when the person moves the text cursor into its body (arrows, a
 * search, a click). Only moves that leave the document as it was count: when a change (another
 * person's, or the minutes being written) happens to leave the cursor in a body, it stays folded.
 */
export function foldPlugin(): Plugin {
  return new Plugin({
    view: () => ({
      update(view, prev) {
        if (view.state.doc === prev.doc && !view.state.selection.eq(prev.selection)) openAtSelection(view);
      },
    }),
  });
}

