import type { Node as PMNode } from "prosemirror-model";
import type { EditorView, NodeView, ViewMutationRecord } from "prosemirror-view";

/**
 * Renders a task item as a real checkbox next to its content. Toggling the box changes the item's
 * `checked` attribute through a transaction, so it syncs and undoes like any other edit.
 */
export class TaskItemView implements NodeView {
  readonly dom: HTMLLIElement;
  readonly contentDOM: HTMLDivElement;
  private readonly checkbox: HTMLInputElement;

  constructor(
    private node: PMNode,
    private readonly view: EditorView,
    private readonly getPos: () => number | undefined,
  ) {
    this.dom = document.createElement("li");
    this.dom.className = "task-item";
    const box = document.createElement("span");
    box.className = "task-checkbox";
    box.contentEditable = "false";
    this.checkbox = document.createElement("input");
    this.checkbox.type = "checkbox";
    this.checkbox.setAttribute("aria-label", "Done");
    this.checkbox.addEventListener("mousedown", (e) => e.preventDefault());
    this.checkbox.addEventListener("click", (e) => this.onClick(e));
    box.appendChild(this.checkbox);
    this.contentDOM = document.createElement("div");
    this.contentDOM.className = "task-content";
    this.dom.append(box, this.contentDOM);
    this.render();
  }

  private onClick(e: MouseEvent): void {
    if (!this.view.editable) {
      e.preventDefault();
      return;
    }
    const pos = this.getPos();
    if (pos === undefined) return;
    const checked = !this.node.attrs.checked;
    this.view.dispatch(this.view.state.tr.setNodeMarkup(pos, undefined, { ...this.node.attrs, checked }));
  }

  private render(): void {
    const checked = !!this.node.attrs.checked;
    this.checkbox.checked = checked;
    this.checkbox.disabled = !this.view.editable;
    this.dom.dataset.checked = String(checked);
  }

  update(node: PMNode): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.render();
    return true;
  }

  stopEvent(event: Event): boolean {
    return event.target === this.checkbox;
  }

  ignoreMutation(mutation: ViewMutationRecord): boolean {
    return mutation.type !== "selection" && !this.contentDOM.contains(mutation.target);
  }
}

/** Brings every task checkbox's `disabled` state in line with the view's editability. */
export function syncTaskCheckboxes(view: EditorView): void {
  for (const box of view.dom.querySelectorAll<HTMLInputElement>(".task-checkbox input")) box.disabled = !view.editable;
}
