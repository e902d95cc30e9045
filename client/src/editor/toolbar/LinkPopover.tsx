import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { EditorView } from "prosemirror-view";
import { safeHref } from "@confer/shared/schema";
import { linkAtSelection, setLink } from "../commands.ts";

/** Accepts what people type: a full address, or a bare domain / email that gets a scheme added. */
export function normalizeHref(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const direct = safeHref(text);
  if (direct) return direct;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(text)) return safeHref(`mailto:${text}`);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return safeHref(`https://${text}`);
  return null;
}

interface LinkPopoverProps {
  view: EditorView;
  /** Where to show the popover, relative to the editor's wrapper. */
  anchor: { left: number; top: number };
  onClose(): void;
}

/** A small dialog to add, change or remove the link on the selection. */
export function LinkPopover({ view, anchor, onClose }: LinkPopoverProps) {
  const existing = linkAtSelection(view.state);
  const [value, setValue] = useState(existing?.href ?? "");
  const [error, setError] = useState<string>();
  const inputRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const close = () => {
    onClose();
    view.focus();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const href = normalizeHref(value);
    if (!href) {
      setError("Enter a web or email address, like https://example.com.");
      return;
    }
    setLink(href)(view.state, view.dispatch);
    close();
  };

  const remove = () => {
    setLink(null)(view.state, view.dispatch);
    close();
  };

  return (
    <div
      className="popover link-popover"
      role="dialog"
      aria-label={existing ? "Edit link" : "Add link"}
      style={{ left: anchor.left, top: anchor.top }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <form onSubmit={submit} noValidate>
        <label className="sr-only" htmlFor={`${errorId}-input`}>
          Link address
        </label>
        <input
          id={`${errorId}-input`}
          ref={inputRef}
          className="input"
          type="url"
          placeholder="Paste or type a link"
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => {
            setValue(e.target.value);
            setError(undefined);
          }}
        />
        <button type="submit" className="button primary small">
          {existing ? "Update" : "Add link"}
        </button>
        {existing && (
          <button type="button" className="button small" onClick={remove}>
            Remove
          </button>
        )}
        <button type="button" className="button ghost small" onClick={close}>
          Cancel
        </button>
      </form>
      {error && (
        <p id={errorId} role="alert" className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
