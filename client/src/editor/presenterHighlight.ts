import { Plugin, PluginKey, type EditorState } from "prosemirror-state";
import { Decoration, DecorationSet, type EditorView } from "prosemirror-view";

/** The selection of the person presenting, as a follower's editor shows it. */
export interface PresenterSelection {
  from: number;
  to: number;
  name: string;
}

const key = new PluginKey<DecorationSet>("presenterSelection");

function caret(name: string): HTMLElement {
  const el = document.createElement("span");
  el.className = "presenter-caret";
  el.setAttribute("aria-hidden", "true");
  el.dataset.name = name; // shown by CSS as its label; set as an attribute, never as HTML
  return el;
}

function decorations(state: EditorState, sel: PresenterSelection): DecorationSet {
  const size = state.doc.content.size;
  const from = Math.max(0, Math.min(sel.from, size));
  const to = Math.max(from, Math.min(sel.to, size));
  const decos = [Decoration.widget(to, () => caret(sel.name), { key: `presenter:${sel.name}`, side: 1 })];
  if (to > from) decos.push(Decoration.inline(from, to, { class: "presenter-selection" }));
  return DecorationSet.create(state.doc, decos);
}

/**
 * Highlights the presenter's selection in this editor while the person follows them in a meeting
 * (the presenter's own caret is not in awareness once they click outside their text).
 */
export function presenterHighlight(): Plugin {
  return new Plugin<DecorationSet>({
    key,
    state: {
      init: () => DecorationSet.empty,
      apply(tr, set, _old, state) {
        const meta = tr.getMeta(key) as PresenterSelection | null | undefined;
        if (meta === null) return DecorationSet.empty;
        if (meta) return decorations(state, meta);
        return set.map(tr.mapping, tr.doc);
      },
    },
    props: { decorations: (state) => key.getState(state) },
  });
}

/** Shows the presenter's selection in `view`, or hides it with null. */
export function showPresenterSelection(view: EditorView, sel: PresenterSelection | null): void {
  if (view.isDestroyed || !key.get(view.state)) return;
  view.dispatch(view.state.tr.setMeta(key, sel));
}
