import * as Y from "yjs";
import { Awareness } from "y-protocols/awareness";
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { BODY_FRAGMENT, schema } from "@confer/shared/schema";
import { buildPlugins } from "./plugins.ts";
import { editorViews } from "./views.ts";

/** For unit tests (in a DOM environment): a collaborative editor view on a fresh Y.Doc, as the page builds it. */
export function createTestEditor(ydoc = new Y.Doc(), opts: { views?: boolean } = {}): { view: EditorView; ydoc: Y.Doc; fragment: Y.XmlFragment; destroy(): void } {
  const awareness = new Awareness(ydoc);
  const mount = document.createElement("div");
  document.body.appendChild(mount);
  const ui = { current: { openLinkEditor: () => undefined, focusToolbar: () => undefined } };
  const fragment = ydoc.getXmlFragment(BODY_FRAGMENT);
  // With `views`, blocks and marks render as the page renders them (node views, recording links).
  const views = opts.views ? editorViews() : {};
  const view = new EditorView(mount, { state: EditorState.create({ schema, plugins: buildPlugins({ fragment, awareness, ui }) }), ...views });
  return {
    view,
    ydoc,
    fragment,
    destroy: () => {
      view.destroy();
      awareness.destroy();
      mount.remove();
    },
  };
}
