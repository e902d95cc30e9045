import type { PresentUser } from "../collab/usePresence.ts";
import { Avatar } from "./Avatar.tsx";

function describe(u: PresentUser): string {
  const parts = [u.isSelf ? `${u.name} (you)` : u.name];
  if (u.external) parts.push(u.company ? `external · ${u.company}` : "external");
  return parts.join(" · ");
}

/** On a phone only this many avatars show, then "+N". */
const PHONE_AVATARS = 3;

/** Who is in the document right now: one avatar per person, people from other companies marked external. */
export function Presence({ users }: { users: PresentUser[] }) {
  return (
    <ul className="presence" data-testid="presence" aria-label={`${users.length} ${users.length === 1 ? "person" : "people"} here`}>
      {users.map((u) => (
        <li key={u.key} className="presence-item" data-testid="avatar" title={describe(u)}>
          <Avatar name={u.name} color={u.color} />
          <span className="sr-only">{describe(u)}</span>
          {u.external && (
            <span className="badge external" aria-hidden="true">
              external{u.company ? ` · ${u.company}` : ""}
            </span>
          )}
        </li>
      ))}
      {users.length > PHONE_AVATARS && (
        <li className="presence-more" aria-hidden="true">
          +{users.length - PHONE_AVATARS}
        </li>
      )}
    </ul>
  );
}
