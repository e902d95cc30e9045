import { useEffect, useRef, useState, type ReactNode } from "react";
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import type * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import { BODY_FRAGMENT, schema } from "@confer/shared/schema";
import { buildPlugins } from "./plugins.ts";
import type { EditorUi } from "./keymap.ts";
import { TaskItemView, syncTaskCheckboxes } from "./taskItemView.ts";
import { Toolbar } from "./toolbar/Toolbar.tsx";
import { LinkPopover } from "./toolbar/LinkPopover.tsx";
import { HelpButton } from "./toolbar/HelpPopover.tsx";

interface EditorProps {
  ydoc: Y.Doc;
  awareness: Awareness;
  /** When true the text cannot be changed; can flip at runtime without recreating the view. */
  readOnly: boolean;
  /** Called with the view once it exists (and with undefined when it goes away). */
  onView?(view: EditorView | undefined): void;
  /** A notice shown between the toolbar and the text. */
  banner?: ReactNode;
}

/** The collaborative ProseMirror editor bound to the document's Yjs body, with its toolbar. */
export function Editor({ ydoc, awareness, readOnly, onView, banner }: EditorProps) {
  const mountRef = useRef<HTMLDivElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const readOnlyRef = useRef(readOnly);
  const onViewRef = useRef(onView);
  onViewRef.current = onView;
  const [view, setView] = useState<EditorView>();
  const [state, setState] = useState<EditorState>();
  const [linkAnchor, setLinkAnchor] = useState<{ left: number; top: number }>();
  const ui = useRef<EditorUi>({ openLinkEditor: () => undefined, focusToolbar: () => undefined });

  useEffect(() => {
    const mount = mountRef.current;
    if (!mount) return;
    const initial = EditorState.create({
      schema,
      plugins: buildPlugins({ fragment: ydoc.getXmlFragment(BODY_FRAGMENT), awareness, ui }),
    });
    const v = new EditorView(mount, {
      state: initial,
      editable: () => !readOnlyRef.current,
      attributes: {
        "data-testid": "editor",
        "aria-label": "Document text",
        role: "textbox",
        "aria-multiline": "true",
        spellcheck: "true",
      },
      nodeViews: { task_item: (node, view, getPos) => new TaskItemView(node, view, getPos) },
      dispatchTransaction(this: EditorView, tr) {
        const next = this.state.apply(tr);
        this.updateState(next);
        setState(next);
      },
    });
    setView(v);
    setState(v.state);
    onViewRef.current?.(v);
    return () => {
      onViewRef.current?.(undefined);
      v.destroy();
      setView(undefined);
    };
  }, [ydoc, awareness]);

  useEffect(() => {
    readOnlyRef.current = readOnly;
    if (!view) return;
    view.setProps({ editable: () => !readOnly });
    syncTaskCheckboxes(view);
    if (readOnly) setLinkAnchor(undefined);
  }, [readOnly, view]);

  ui.current = {
    openLinkEditor: () => {
      const wrapper = wrapperRef.current;
      if (!view || !wrapper || readOnlyRef.current) return;
      const coords = view.coordsAtPos(view.state.selection.from);
      const box = wrapper.getBoundingClientRect();
      const left = Math.max(0, Math.min(coords.left - box.left, box.width - 380));
      setLinkAnchor({ left, top: coords.bottom - box.top + 8 });
    },
    focusToolbar: () => toolbarRef.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus(),
  };

  return (
    <div className="editor-shell">
      {view && state && !readOnly && (
        <div className="toolbar-row">
          <Toolbar
            view={view}
            state={state}
            disabled={readOnly}
            onLink={() => ui.current.openLinkEditor()}
            containerRef={toolbarRef}
            trailing={<HelpButton />}
          />
        </div>
      )}
      {banner}
      <div className="editor-column" ref={wrapperRef}>
        <div ref={mountRef} className="editor-mount" />
        {view && linkAnchor && <LinkPopover view={view} anchor={linkAnchor} onClose={() => setLinkAnchor(undefined)} />}
      </div>
    </div>
  );
}
