import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import type * as Y from "yjs";
import type { Awareness } from "y-protocols/awareness";
import { BODY_FRAGMENT, schema } from "@confer/shared/schema";
import { buildPlugins } from "./plugins.ts";
import type { EditorUi } from "./keymap.ts";
import { syncTaskCheckboxes } from "./taskItemView.ts";
import { playRecordingLinks, recordingLink } from "./recordingLinks.ts";
import { editorViews } from "./views.ts";
import "./fold.css";
import type { CardHub } from "../meetings/CardHub.ts";
import { Toolbar } from "./toolbar/Toolbar.tsx";
import { LinkPopover } from "./toolbar/LinkPopover.tsx";
import { LinkBubble } from "./toolbar/LinkBubble.tsx";
import { linkAtSelection } from "./commands.ts";
import { HelpButton } from "./toolbar/HelpPopover.tsx";
import { DocNotice } from "../components/DocNotice.tsx";
import { isNewerThanClient, watchForNewerSchema } from "./schemaGate.ts";
import { readOnlyBody, readOnlyState } from "./readOnlyBody.ts";

interface EditorProps {
  ydoc: Y.Doc;
  awareness: Awareness;
  /** When true the text cannot be changed; can flip at runtime without recreating the view. */
  readOnly: boolean;
  /** The server says this page's schema is older than the document's: show it read-only, never write. */
  outdated?: boolean;
  /** Called with the view once it exists (and with undefined when it goes away). */
  onView?(view: EditorView | undefined): void;
  /** A notice shown between the toolbar and the text. */
  banner?: ReactNode;
  /** Where meeting cards read their state from the server (the same object for the page's life). */
  meetingCards?: CardHub;
  /** The meeting shortcut: start a meeting at the cursor or join the live one; false if not offered. */
  onStartMeeting?(): boolean;
}

/** The collaborative ProseMirror editor bound to the document's Yjs body, with its toolbar. */
export function Editor({ ydoc, awareness, readOnly, outdated = false, onView, banner, meetingCards, onStartMeeting }: EditorProps) {
  const mountRef = useRef<HTMLDivElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const readOnlyRef = useRef(readOnly);
  const onViewRef = useRef(onView);
  useLayoutEffect(() => {
    onViewRef.current = onView;
  });
  const [view, setView] = useState<EditorView>();
  const [state, setState] = useState<EditorState>();
  const [linkAnchor, setLinkAnchor] = useState<{ left: number; top: number }>();
  const [focused, setFocused] = useState(false);
  const [bubble, setBubble] = useState<{ href: string; anchor: { left: number; top: number } }>();
  const ui = useRef<EditorUi>({ openLinkEditor: () => undefined, focusToolbar: () => undefined });

  // A document written by a newer Confer (it says so, or holds blocks this version does not know) is
  // shown read-only and never bound for writing: y-prosemirror deletes what it cannot parse.
  const body = ydoc.getXmlFragment(BODY_FRAGMENT);
  const [newerDoc, setNewerDoc] = useState<Y.Doc>();
  // Walking the whole body is done once per document here and once per editor view below, never per
  // keystroke; updates that arrive later are caught by watchForNewerSchema.
  const newerAtOpen = useMemo(() => isNewerThanClient(ydoc, ydoc.getXmlFragment(BODY_FRAGMENT)), [ydoc]);
  const frozen = outdated || newerDoc === ydoc || newerAtOpen;

  useEffect(() => {
    const mount = mountRef.current;
    if (!mount) return;
    const attributes = {
      "data-testid": "editor",
      "aria-label": "Document text",
      role: "textbox",
      "aria-multiline": "true",
      spellcheck: "true",
    };
    let v: EditorView;
    let stop: () => void;
    const { nodeViews, markViews, handleDOMEvents: linkEvents } = editorViews(meetingCards);
    if (!frozen && isNewerThanClient(ydoc, body)) {
      // Content from a newer version arrived between the render and now: the binding must never see it.
      setNewerDoc(ydoc);
      return;
    }
    if (frozen) {
      const render = () => readOnlyState(readOnlyBody(body, schema));
      v = new EditorView(mount, {
        state: render(),
        editable: () => false,
        attributes: { ...attributes, "aria-readonly": "true" },
        nodeViews,
        markViews,
        handleDOMEvents: linkEvents,
        dispatchTransaction(this: EditorView, tr) {
          // Selection only: this view's document comes from Yjs and never goes back.
          if (this.isDestroyed || tr.docChanged) return;
          const next = this.state.apply(tr);
          this.updateState(next);
          setState(next);
        },
      });
      const rerender = () => {
        if (v.isDestroyed) return;
        v.updateState(render());
        setState(v.state);
      };
      body.observeDeep(rerender);
      stop = () => body.unobserveDeep(rerender);
    } else {
      v = new EditorView(mount, {
        state: EditorState.create({ schema, plugins: buildPlugins({ fragment: body, awareness, ui }) }),
        editable: () => !readOnlyRef.current,
        attributes,
        nodeViews,
        markViews,
        handleDOMEvents: {
          ...linkEvents,
          focus: () => void setFocused(true),
          blur: () => void setFocused(false),
        },
        dispatchTransaction(this: EditorView, tr) {
          // y-prosemirror dispatches from timers (cursor updates); those may land after the view is gone.
          if (this.isDestroyed) return;
          const next = this.state.apply(tr);
          this.updateState(next);
          setState(next);
        },
      });
      stop = watchForNewerSchema(ydoc, () => {
        // Detach now, before the binding sees the update it cannot parse; the effect re-runs read-only.
        v.destroy();
        setNewerDoc(ydoc);
      });
    }
    setView(v);
    setState(v.state);
    onViewRef.current?.(v);
    const stopLinks = meetingCards ? playRecordingLinks(v.dom, meetingCards) : () => undefined;
    return () => {
      stopLinks();
      stop();
      onViewRef.current?.(undefined);
      v.destroy();
      setView(undefined);
    };
  }, [ydoc, awareness, body, frozen, meetingCards]);

  useEffect(() => {
    readOnlyRef.current = readOnly;
    if (!view || view.isDestroyed || frozen) return;
    view.setProps({ editable: () => !readOnly });
    syncTaskCheckboxes(view);
    if (readOnly) setLinkAnchor(undefined);
  }, [readOnly, view, frozen]);

  // The link card: shown while the cursor sits in a link (and the link editor is not open).
  useLayoutEffect(() => {
    const wrapper = wrapperRef.current;
    const found = view && state && wrapper && focused && !readOnly && !frozen && !linkAnchor && state.selection.empty ? linkAtSelection(state) : undefined;
    // A timestamp of the minutes plays when pressed; it gets no card (edit it with the link editor).
    const link = found && !recordingLink(found.href, window.location.origin) ? found : undefined;
    setBubble(link && wrapper && view ? { href: link.href, anchor: anchorBelow(view, link.from, wrapper, 360) } : undefined);
  }, [view, state, focused, readOnly, frozen, linkAnchor]);

  // What the keymap asks of the surrounding UI, refreshed after every render (read at key press).
  useLayoutEffect(() => {
    ui.current = {
      openLinkEditor: () => {
        const wrapper = wrapperRef.current;
        if (!view || !wrapper || readOnlyRef.current) return;
        setLinkAnchor(anchorBelow(view, view.state.selection.from, wrapper, 380));
      },
      focusToolbar: () => toolbarRef.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus(),
      startMeeting: () => onStartMeeting?.() ?? false,
    };
  });

  return (
    <div className="editor-shell">
      {/* Toolbar and notices stay in view while the text scrolls, so a notice is never missed. */}
      <div className="editor-head">
        {view && state && !readOnly && !frozen && (
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
        <div className="doc-notices">
          {frozen && (
            <DocNotice tone="warn">
              <span title="This document has content that this version of Confer cannot show. Reload the page to see and edit it.">Confer was updated</span>
              {" · "}
              <button type="button" className="link-button" onClick={() => location.reload()}>
                Reload
              </button>
            </DocNotice>
          )}
          {banner}
        </div>
      </div>
      <div className="editor-column" ref={wrapperRef}>
        <div ref={mountRef} className="editor-mount" />
        {view && linkAnchor && <LinkPopover view={view} anchor={linkAnchor} onClose={() => setLinkAnchor(undefined)} />}
        {view && bubble && <LinkBubble view={view} href={bubble.href} anchor={bubble.anchor} onEdit={() => ui.current.openLinkEditor()} />}
      </div>
    </div>
  );
}

/** A popover position just below document position `pos`, relative to `wrapper`, kept inside it. */
function anchorBelow(view: EditorView, pos: number, wrapper: HTMLElement, width: number): { left: number; top: number } {
  const coords = view.coordsAtPos(pos);
  const box = wrapper.getBoundingClientRect();
  const left = Math.max(0, Math.min(coords.left - box.left, box.width - width));
  return { left, top: coords.bottom - box.top + 8 };
}
