import { Fragment, useState, type KeyboardEvent, type ReactNode, type Ref } from "react";
import type { EditorState } from "prosemirror-state";
import type { EditorView } from "prosemirror-view";
import { ariaKeys, formatKeys } from "../shortcuts.ts";
import { TOOLBAR_GROUPS, type ToolbarItem } from "./items.tsx";

interface ToolbarProps {
  view: EditorView;
  /** The current editor state; passed so the toolbar re-renders on every transaction. */
  state: EditorState;
  disabled: boolean;
  onLink(): void;
  /** Extra controls at the end of the toolbar (the help button), part of the same arrow-key order. */
  trailing?: ReactNode;
  containerRef?: Ref<HTMLDivElement>;
}

/**
 * The formatting toolbar: a single Tab stop with arrow-key navigation (WAI-ARIA toolbar pattern).
 * Buttons never take focus from the editor on click, so the selection they act on stays put.
 */
export function Toolbar({ view, state, disabled, onLink, trailing, containerRef }: ToolbarProps) {
  const [focusIndex, setFocusIndex] = useState(0);

  const run = (item: ToolbarItem) => {
    if (item.command === "link") return onLink();
    item.command(view.state, view.dispatch, view);
    view.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("button[data-roving]:not(:disabled)")];
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (current < 0) return;
    let next = current;
    if (e.key === "ArrowRight") next = (current + 1) % buttons.length;
    else if (e.key === "ArrowLeft") next = (current - 1 + buttons.length) % buttons.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = buttons.length - 1;
    else if (e.key === "Escape") {
      e.preventDefault();
      view.focus();
      return;
    } else return;
    e.preventDefault();
    buttons[next]?.focus();
  };

  const items = TOOLBAR_GROUPS.map((group) =>
    group.map((item) => ({
      item,
      active: item.active?.(state) ?? false,
      // An active toggle stays enabled even when applying it again would be a no-op (e.g. Paragraph).
      enabled: !disabled && (item.command === "link" ? !state.selection.$from.parent.type.spec.code : !!item.active?.(state) || !!item.command(state)),
    })),
  );
  const flat = items.flat();
  // The one Tab stop: the last focused button, or the first enabled one if that is disabled now.
  const tabStop = flat[focusIndex]?.enabled ? focusIndex : flat.findIndex((x) => x.enabled);
  let index = -1;
  return (
    <div
      role="toolbar"
      aria-label="Formatting"
      aria-disabled={disabled || undefined}
      className="toolbar"
      onKeyDown={onKeyDown}
      ref={containerRef}
    >
      {items.map((group, g) => (
        <Fragment key={g}>
          {g > 0 && <span className="toolbar-sep" aria-hidden="true" />}
          {group.map(({ item, active, enabled }) => {
            index++;
            const i = index;
            const title = item.keys ? `${item.label} (${formatKeys(item.keys)})` : item.label;
            return (
              <button
                key={item.id}
                type="button"
                className="tool"
                data-roving=""
                tabIndex={i === tabStop ? 0 : -1}
                aria-label={item.label}
                aria-pressed={item.active ? active : undefined}
                aria-keyshortcuts={item.keys ? ariaKeys(item.keys) : undefined}
                aria-haspopup={item.command === "link" ? "dialog" : undefined}
                title={title}
                disabled={!enabled}
                onMouseDown={(e) => e.preventDefault()}
                onFocus={() => setFocusIndex(i)}
                onClick={() => run(item)}
              >
                {item.icon}
              </button>
            );
          })}
        </Fragment>
      ))}
      {trailing && (
        <>
          <span className="toolbar-spacer" />
          {trailing}
        </>
      )}
    </div>
  );
}
