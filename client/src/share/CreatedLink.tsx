import { useRef, useState } from "react";
import { Check, Copy } from "lucide-react";
import type { InviteCreated } from "@confer/shared";
import { ROLE_LABEL } from "./roles.ts";

/** Copies text with the async clipboard API; false when the browser refuses (no permission, not secure). */
async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A link that was just created: its URL (shown this once), with "Copy link". */
export function CreatedLink({ invite, onDismiss }: { invite: InviteCreated; onDismiss(): void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "select" | undefined>();

  const onCopy = async () => {
    if (await writeClipboard(invite.url)) return setCopied("yes");
    // Fallback: select the text so Ctrl+C / ⌘C (or the old copy command) takes it.
    const input = inputRef.current;
    input?.focus();
    input?.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    setCopied(ok ? "yes" : "select");
  };

  return (
    <div className="created-link" role="group" aria-label="Link just created">
      <p className="created-link-title">{ROLE_LABEL[invite.role]} link created</p>
      <div className="share-form">
        <input
          ref={inputRef}
          className="input small mono"
          aria-label="Invite link"
          readOnly
          value={invite.url}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button small" onClick={() => void onCopy()}>
          {copied === "yes" ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
          {copied === "yes" ? "Copied" : "Copy link"}
        </button>
      </div>
      <p className="share-note" role="status">
        {copied === "select"
          ? "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it."
          : "This link is shown only once. Copy it now and send it to the people you want to invite."}
      </p>
      <button type="button" className="button ghost small" onClick={onDismiss}>
        Done
      </button>
    </div>
  );
}
