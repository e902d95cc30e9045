import { Copy, ExternalLink, Pencil, Unlink } from "lucide-react";
import type { EditorView } from "prosemirror-view";
import { safeHref } from "@confer/shared/schema";
import { setLink } from "../commands.ts";

interface LinkBubbleProps {
  view: EditorView;
  href: string;
  /** Where to show the bubble, relative to the editor's wrapper. */
  anchor: { left: number; top: number };
  onEdit(): void;
}

/**
 * The small card under a link the cursor is in, as in Google Docs: the address (opens in a new tab),
 * copy, edit and remove. Its buttons never take focus from the text, so the cursor stays in the link.
 */
export function LinkBubble({ view, href, anchor, onEdit }: LinkBubbleProps) {
  const safe = safeHref(href);
  const keepFocus = (e: { preventDefault(): void }) => e.preventDefault();
  return (
    <div className="popover link-bubble" role="group" aria-label="Link" data-testid="link-bubble" style={{ left: anchor.left, top: anchor.top }} onMouseDown={keepFocus}>
      {safe ? (
        <a className="link-bubble-href" href={safe} target="_blank" rel="noopener noreferrer nofollow" title={`Open ${safe} in a new tab`}>
          <ExternalLink size={14} aria-hidden />
          <span>{safe}</span>
        </a>
      ) : (
        <span className="link-bubble-href muted">{href}</span>
      )}
      {safe && (
        <button
          type="button"
          className="tool small"
          aria-label="Copy link"
          title="Copy link"
          onClick={() => {
            void navigator.clipboard?.writeText(safe).catch(() => undefined);
            view.focus();
          }}
        >
          <Copy size={15} aria-hidden />
        </button>
      )}
      <button type="button" className="tool small" aria-label="Edit link" title="Edit link" onClick={onEdit}>
        <Pencil size={15} aria-hidden />
      </button>
      <button
        type="button"
        className="tool small"
        aria-label="Remove link"
        title="Remove link"
        onClick={() => {
          setLink(null)(view.state, view.dispatch);
          view.focus();
        }}
      >
        <Unlink size={15} aria-hidden />
      </button>
    </div>
  );
}
