import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import { toCursorUser } from "../editor/cursors.ts";

/** One connection shown in the presence bar (a person with two tabs open shows twice). */
export interface PresentUser {
  /** Stable key: the awareness client id. */
  key: string;
  /** The account id the server stamped, or "" when unknown. */
  id: string;
  name: string;
  color: string;
  company: string;
  external: boolean;
  isSelf: boolean;
}

function collect(awareness: Awareness): PresentUser[] {
  const selfId = awareness.clientID;
  const users: PresentUser[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const raw = (state as { user?: unknown }).user;
    if (!raw) continue;
    const id = (raw as { id?: unknown }).id;
    users.push({ key: String(clientId), id: typeof id === "string" ? id : "", ...toCursorUser(raw), isSelf: clientId === selfId });
  }
  // You first, then everyone else in a stable order.
  return users.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || Number(a.key) - Number(b.key));
}

/** Everyone connected to the document right now, from awareness, you first. */
export function usePresence(awareness: Awareness | undefined): PresentUser[] {
  const [users, setUsers] = useState<PresentUser[]>([]);
  useEffect(() => {
    if (!awareness) return;
    const update = () => setUsers(collect(awareness));
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness]);
  return users;
}
