import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { X } from "lucide-react";
import type { Me, Role } from "@confer/shared";
import type { MembersState } from "./useMembers.ts";
import { ActivityList } from "./ActivityList.tsx";
import { AddMemberForm } from "./AddMemberForm.tsx";
import { InviteLinks } from "./InviteLinks.tsx";
import { MemberList } from "./MemberList.tsx";

type Tab = "people" | "activity";
const TABS: { id: Tab; label: string }[] = [
  { id: "people", label: "People" },
  { id: "activity", label: "Activity" },
];

interface SharePanelProps {
  docId: string;
  me: Me;
  /** The person's live role in the document; owners get the controls, everyone else a read-only list. */
  role: Role;
  members: MembersState;
  /** Colours of the people connected now (by account id), so the list matches avatars and cursors. */
  colors: ReadonlyMap<string, string>;
  onClose(): void;
}

/**
 * The share panel beside the text: members, adding colleagues, invite links and (for owners) the
 * activity log. Focus moves into it when it opens; Escape closes it.
 */
export function SharePanel({ docId, me, role, members, colors, onClose }: SharePanelProps) {
  const panelRef = useRef<HTMLElement>(null);
  const [tab, setTab] = useState<Tab>("people");
  const [version, setVersion] = useState(0);
  const owner = role === "owner";
  const shown: Tab = owner ? tab : "people";
  const { reload } = members;
  // Anything that changes who is in (here or elsewhere) means links and the log may have changed too.
  const refreshKey = `${version}:${(members.members ?? []).map((m) => `${m.userId}=${m.role}`).join(",")}`;

  useEffect(() => {
    panelRef.current?.focus();
  }, []);

  const changed = useCallback(async () => {
    setVersion((v) => v + 1);
    await reload();
  }, [reload]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      onClose();
    }
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const next = TABS[(TABS.findIndex((t) => t.id === shown) + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length]!;
    setTab(next.id);
    panelRef.current?.querySelector<HTMLButtonElement>(`#share-tab-${next.id}`)?.focus();
  };

  const memberState = { ...members, reload: changed };
  return (
    <aside ref={panelRef} id="share-panel" className="share-panel" role="dialog" aria-label="Share" tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="share-head">
        <h2>Share</h2>
        <button type="button" className="icon-button" aria-label="Close sharing" title="Close (Esc)" onClick={onClose}>
          <X size={18} aria-hidden />
        </button>
      </div>
      {owner && (
        <div className="share-tabs" role="tablist" aria-label="Sharing">
          {TABS.map((t) => (
            <button
              key={t.id}
              id={`share-tab-${t.id}`}
              type="button"
              role="tab"
              className="share-tab"
              aria-selected={shown === t.id}
              aria-controls={`share-tabpanel-${t.id}`}
              tabIndex={shown === t.id ? 0 : -1}
              onClick={() => setTab(t.id)}
              onKeyDown={onTabKey}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
      <div
        className="share-body"
        id={`share-tabpanel-${shown}`}
        role={owner ? "tabpanel" : undefined}
        aria-labelledby={owner ? `share-tab-${shown}` : undefined}
      >
        {shown === "people" ? (
          <>
            {owner && <AddMemberForm docId={docId} company={me.company} ownRole={role} onAdded={changed} />}
            <MemberList docId={docId} meId={me.id} ownRole={role} state={memberState} colors={colors} />
            {owner && <InviteLinks docId={docId} ownRole={role} refreshKey={refreshKey} onChanged={() => setVersion((v) => v + 1)} />}
          </>
        ) : (
          <ActivityList docId={docId} refreshKey={refreshKey} />
        )}
      </div>
    </aside>
  );
}
