import type { ReactNode, Ref } from "react";
import { Link } from "react-router-dom";
import { ArrowLeft, UserPlus } from "lucide-react";
import type { ConnectionStatus } from "../collab/status.ts";
import type { PresentUser } from "../collab/usePresence.ts";
import { Presence } from "../components/Presence.tsx";
import { StatusPill } from "../components/StatusPill.tsx";
import { TitleField } from "../components/TitleField.tsx";

interface DocTopBarProps {
  docId: string;
  title: string;
  canRename: boolean;
  onRenamed(title: string): void;
  users: PresentUser[];
  status: ConnectionStatus | undefined;
  /** The share panel's toggle; absent when sharing cannot be shown (offline copy, no access). */
  share?: { open: boolean; onToggle(): void };
  /** The Share button, for returning focus to it when the panel closes. */
  shareButtonRef?: Ref<HTMLButtonElement>;
  /** The meeting button (start or join), when meetings can be offered here. */
  meeting?: ReactNode;
}

/** The document page's slim top bar: back, title in place, who is here, connection status, meeting, Share. */
export function DocTopBar({ docId, title, canRename, onRenamed, users, status, share, shareButtonRef, meeting }: DocTopBarProps) {
  return (
    <header className="topbar doc-topbar">
      <Link to="/" className="icon-button" aria-label="All documents" title="All documents">
        <ArrowLeft size={18} aria-hidden />
      </Link>
      {title && <TitleField docId={docId} title={title} canRename={canRename} onRenamed={onRenamed} />}
      <div className="topbar-spacer" />
      <Presence users={users} />
      {status && <StatusPill status={status} />}
      {meeting}
      {share && (
        <button
          ref={shareButtonRef}
          type="button"
          className={`button small${share.open ? "" : " primary"}`}
          aria-expanded={share.open}
          aria-controls={share.open ? "share-panel" : undefined}
          aria-haspopup="dialog"
          onClick={share.onToggle}
        >
          <UserPlus size={15} aria-hidden />
          <span className="share-label">Share</span>
        </button>
      )}
    </header>
  );
}
