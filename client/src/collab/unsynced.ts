import { isCurrentPerson } from "../auth/lastMe.ts";

/** Prefix of the offline change counts; one key per person and document. */
const PREFIX = "confer:unsynced:";
const key = (userId: string, docId: string) => `${PREFIX}${userId}:${docId}`;

/** How many offline changes to `docId` this person's copy still holds, remembered across reloads. */
export function readUnsynced(userId: string, docId: string): number {
  try {
    const n = Number(localStorage.getItem(key(userId, docId)));
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
  } catch {
    return 0;
  }
}

/** Remembers the offline change count for this person's copy of `docId` (0 forgets it). */
export function writeUnsynced(userId: string, docId: string, n: number): void {
  try {
    if (n <= 0) localStorage.removeItem(key(userId, docId));
    // A count arriving after this person signed out must not bring their key back.
    else if (isCurrentPerson(userId)) localStorage.setItem(key(userId, docId), String(n));
  } catch {
    // Storage can be unavailable; the count is informational only.
  }
}

/**
 * Forgets this person's offline change counts (all of them, or one document's), plus any count
 * kept by an older version of the app under a key without a person in it.
 */
export function forgetUnsynced(userId: string, docId?: string): void {
  try {
    if (docId !== undefined) return localStorage.removeItem(key(userId, docId));
    for (const k of Object.keys(localStorage)) {
      if (!k.startsWith(PREFIX)) continue;
      const rest = k.slice(PREFIX.length);
      if (rest.startsWith(`${userId}:`) || !rest.includes(":")) localStorage.removeItem(k);
    }
  } catch {
    // Storage unavailable: nothing was kept.
  }
}
