import { Link } from "react-router-dom";
import { ArrowLeft } from "lucide-react";
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
}

/** The document page's slim top bar: back, title in place, who is here, connection status. */
export function DocTopBar({ docId, title, canRename, onRenamed, users, status }: DocTopBarProps) {
  return (
    <header className="topbar doc-topbar">
      <Link to="/" className="icon-button" aria-label="All documents" title="All documents">
        <ArrowLeft size={18} aria-hidden />
      </Link>
      {title && <TitleField docId={docId} title={title} canRename={canRename} onRenamed={onRenamed} />}
      <div className="topbar-spacer" />
      <Presence users={users} />
      {status && <StatusPill status={status} />}
    </header>
  );
}
