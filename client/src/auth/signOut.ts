// Signing out clears this device first, always, and ends the session on the server second. When
// the server cannot be reached (offline, 5xx) the person is still signed out here, and the server
// call is retried later (next start, or when the browser is back online) until it succeeds.
import { ApiRequestError, logout } from "../api/index.ts";
import { forgetPersonCopies } from "../collab/localCopies.ts";
import { clearOfflineCaches } from "../pwa/caches.ts";
import { forgetPersonMeta } from "../pwa/lastKnownDocs.ts";
import { writeLastMe } from "./lastMe.ts";

const LOGOUT_PENDING = "confer:logout-pending";

/** Whether a sign-out happened here that the server has not confirmed yet. */
export function logoutPending(): boolean {
  try {
    return localStorage.getItem(LOGOUT_PENDING) !== null;
  } catch {
    return false;
  }
}

function setLogoutPending(pending: boolean): void {
  try {
    if (pending) localStorage.setItem(LOGOUT_PENDING, "1");
    else localStorage.removeItem(LOGOUT_PENDING);
  } catch {
    // Storage unavailable: the server call is then only tried once.
  }
}

/** Forgets that a sign-out is waiting for the server (a new sign-in replaced the old session). */
export function clearLogoutPending(): void {
  setLogoutPending(false);
}

/**
 * Removes everything of this person from this device: who was signed in, the offline list and
 * roles, their document copies (IndexedDB) and their unsynced counts, and non-build cache entries.
 * Resolves with the copies whose deletion is still pending (another tab holds them open).
 */
export async function forgetPersonHere(userId: string | undefined): Promise<string[]> {
  setLogoutPending(true);
  // First, so that any late answer for this person is refused (see isCurrentPerson).
  writeLastMe(undefined);
  if (userId) forgetPersonMeta(userId);
  const [pending] = await Promise.all([userId ? forgetPersonCopies(userId) : Promise.resolve([]), clearOfflineCaches()]);
  return pending;
}

/**
 * Ends the session on the server if a sign-out is waiting for it. Returns true when the server
 * confirmed it (or had no session any more), false when it should be tried again later.
 */
export async function endServerSession(): Promise<boolean> {
  if (!logoutPending()) return true;
  try {
    await logout();
  } catch (err) {
    // Unreachable or failing (5xx): try again later. A 4xx (401: no session any more) will not change.
    const answered = err instanceof ApiRequestError && (err.reason === "invalid-response" || (err.reason === "http" && err.status < 500));
    if (!answered) return false;
  }
  setLogoutPending(false);
  return true;
}
