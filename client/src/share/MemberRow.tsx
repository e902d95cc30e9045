import { useState } from "react";
import { UserMinus } from "lucide-react";
import type { Member, Role } from "@confer/shared";
import { changeRole, messageOf, removeMember } from "../api/index.ts";
import { Avatar } from "../components/Avatar.tsx";
import { ROLE_LABEL, colorFor, grantableRoles } from "./roles.ts";

interface MemberRowProps {
  docId: string;
  member: Member;
  isSelf: boolean;
  /** The viewer's own role; owners get a role menu and a remove button. */
  ownRole: Role;
  /** Their avatar colour when they are connected; otherwise one is derived from their id. */
  color: string | undefined;
  onChanged(): Promise<void>;
}

/** One member in the share panel: who they are, whether they are here, and (for owners) their role controls. */
export function MemberRow({ docId, member, isSelf, ownRole, color, onChanged }: MemberRowProps) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<Role>();
  const manage = ownRole === "owner";
  const roles = grantableRoles(ownRole);
  if (!roles.includes(member.role)) roles.push(member.role);

  const act = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err));
    }
    await onChanged();
    setPending(undefined);
  };

  const onRole = (role: Role) => {
    setPending(role);
    void act(async () => {
      await changeRole(docId, member.userId, role);
    });
  };

  return (
    <li className="member" data-testid="member">
      <Avatar name={member.name} color={color ?? colorFor(member.userId)} size={30} />
      <div className="member-main">
        <div className="member-line">
          <span className="member-name">
            {member.name}
            {isSelf && <span className="muted"> (you)</span>}
          </span>
          {member.online && (
            <span className="member-online">
              <span className="status-dot" aria-hidden="true" />
              online
            </span>
          )}
        </div>
        <div className="member-sub">
          {member.external && <span className="badge external">external · {member.company}</span>}
          <span className="member-meta" title={member.external ? member.email : `${member.email} · ${member.company}`}>
            {member.email}
            {!member.external && ` · ${member.company}`}
          </span>
        </div>
      </div>
      {manage ? (
        <select
          className="select small"
          aria-label={`Role of ${member.name}`}
          value={pending ?? member.role}
          disabled={pending !== undefined}
          onChange={(e) => onRole(e.target.value as Role)}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
      ) : (
        <span className="member-role">{ROLE_LABEL[member.role]}</span>
      )}
      {manage && isSelf && <span className="member-action-spacer" aria-hidden="true" />}
      {manage && !isSelf && (
        <button
          type="button"
          className="icon-button danger"
          aria-label={`Remove ${member.name}`}
          title="Remove"
          onClick={() => void act(() => removeMember(docId, member.userId))}
        >
          <UserMinus size={16} aria-hidden />
        </button>
      )}
      {error && (
        <p role="alert" className="field-error member-error">
          {error}
        </p>
      )}
    </li>
  );
}
