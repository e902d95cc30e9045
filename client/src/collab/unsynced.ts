const key = (docId: string) => `confer:unsynced:${docId}`;

/** How many offline changes to `docId` this device still holds, remembered across reloads. */
export function readUnsynced(docId: string): number {
  try {
    const n = Number(localStorage.getItem(key(docId)));
    return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
  } catch {
    return 0;
  }
}

/** Remembers the offline change count for `docId` (0 forgets it). */
export function writeUnsynced(docId: string, n: number): void {
  try {
    if (n > 0) localStorage.setItem(key(docId), String(n));
    else localStorage.removeItem(key(docId));
  } catch {
    // Storage can be unavailable; the count is informational only.
  }
}
