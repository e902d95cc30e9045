/** Prefix of every IndexedDB database that holds a document copy on this device. */
const PREFIX = "confer:";

/** The IndexedDB name of one person's copy of one document (per person, so a shared browser never mixes them). */
export function localCopyName(userId: string, docId: string): string {
  return `${PREFIX}${userId}:${docId}`;
}

/** Deletes every document copy kept on this device, e.g. on sign-out. */
export async function forgetAllLocalCopies(): Promise<void> {
  try {
    const dbs = typeof indexedDB.databases === "function" ? await indexedDB.databases() : [];
    await Promise.all(
      dbs
        .map((db) => db.name)
        .filter((name): name is string => !!name && name.startsWith(PREFIX))
        .map(
          (name) =>
            new Promise<void>((resolve) => {
              const req = indexedDB.deleteDatabase(name);
              req.onsuccess = req.onerror = req.onblocked = () => resolve();
            }),
        ),
    );
  } catch {
    // IndexedDB unavailable (private mode): nothing kept, nothing to delete.
  }
  for (const key of Object.keys(localStorage)) if (key.startsWith(`${PREFIX}unsynced:`)) localStorage.removeItem(key);
}
