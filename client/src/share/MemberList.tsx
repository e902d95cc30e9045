import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { LogOut } from "lucide-react";
import type { Role } from "@confer/shared";
import { messageOf, removeMember } from "../api/index.ts";
import type { MembersState } from "./useMembers.ts";
import { MemberRow } from "./MemberRow.tsx";

interface MemberListProps {
  docId: string;
  meId: string;
  ownRole: Role;
  state: MembersState;
  colors: ReadonlyMap<string, string>;
}

/** "People with access": every member with their role and presence, and a "Leave document" action. */
export function MemberList({ docId, meId, ownRole, state, colors }: MemberListProps) {
  const navigate = useNavigate();
  const [leaveError, setLeaveError] = useState<string>();
  const { members, error, reload } = state;

  const onLeave = async () => {
    if (!window.confirm("Leave this document? You will need a new invitation to open it again.")) return;
    setLeaveError(undefined);
    try {
      await removeMember(docId, meId);
      navigate("/", { replace: true });
    } catch (err) {
      setLeaveError(messageOf(err));
    }
  };

  return (
    <section className="share-section">
      <h3>
        People with access{members && <span className="muted"> · {members.length}</span>}
      </h3>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {!members && !error && (
        <p className="muted" role="status">
          Loading people…
        </p>
      )}
      {members && (
        <ul className="member-list" aria-label="People with access">
          {members.map((m) => (
            <MemberRow key={m.userId} docId={docId} member={m} isSelf={m.userId === meId} ownRole={ownRole} color={colors.get(m.userId)} onChanged={reload} />
          ))}
        </ul>
      )}
      {ownRole !== "owner" && <p className="share-note">Only the document&apos;s owners can add people or change roles.</p>}
      <div className="share-leave">
        <button type="button" className="button ghost small" onClick={() => void onLeave()}>
          <LogOut size={14} aria-hidden />
          Leave document
        </button>
        {leaveError && (
          <p role="alert" className="field-error">
            {leaveError}
          </p>
        )}
      </div>
    </section>
  );
}
