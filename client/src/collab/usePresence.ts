import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import { toCursorUser } from "../editor/cursors.ts";
import { assignColors, personIdOf } from "./presenceColors.ts";

/** One person shown in the presence bar (a person with two tabs open shows once). */
export interface PresentUser {
  /** Stable key: the person's id, or the connection's when the server did not say. */
  key: string;
  /** The account id the server stamped, or "" when unknown. */
  id: string;
  name: string;
  /** The colour of their avatar and caret: distinct among the people present (see presenceColors.ts). */
  color: string;
  company: string;
  external: boolean;
  isSelf: boolean;
}

/** Everyone in `awareness`, one entry per person, you first, then the others in a stable order. */
export function collectPresence(awareness: Awareness): PresentUser[] {
  const selfId = awareness.clientID;
  const byPerson = new Map<string, PresentUser>();
  for (const [clientId, state] of awareness.getStates()) {
    const raw = (state as { user?: unknown }).user;
    if (!raw) continue;
    const key = personIdOf(clientId, state);
    const id = (raw as { id?: unknown }).id;
    const isSelf = clientId === selfId;
    const seen = byPerson.get(key);
    if (seen) {
      seen.isSelf ||= isSelf;
      continue;
    }
    byPerson.set(key, { key, id: typeof id === "string" ? id : "", ...toCursorUser(raw), isSelf });
  }
  const colors = assignColors(byPerson.keys());
  const users = [...byPerson.values()].map((u) => ({ ...u, color: colors.get(u.key) ?? u.color }));
  return users.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
}

/** Everyone connected to the document right now, from awareness, one entry per person, you first. */
export function usePresence(awareness: Awareness | undefined): PresentUser[] {
  const [users, setUsers] = useState<PresentUser[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const update = () => setUsers(collectPresence(awareness));
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness]);
  return users;
}
