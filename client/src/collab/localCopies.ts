// This device's copies of documents: one IndexedDB database per person and document, named
// `confer:<userId>:<docId>`. Besides the databases themselves we keep, in localStorage:
// - a registry of each person's copies, so sign-out finds them where `indexedDB.databases()` is
//   missing (older Firefox and Safari);
// - a list of deletions not yet done (another tab kept the database open, the tab was closed
//   mid-way), written before each delete starts and applied again at the next start.
import { isCurrentPerson } from "../auth/lastMe.ts";
import { tellOtherTabs } from "../auth/tabChannel.ts";
import { forgetUnsynced } from "./unsynced.ts";

/** Prefix of every IndexedDB database that holds a document copy on this device. */
const PREFIX = "confer:";
const REGISTRY = "confer:copies:";
const PENDING = "confer:pending-deletions";
/** How long a delete waits for other tabs to close the database before it is left for later. */
const BLOCKED_WAIT_MS = 3000;

/** The IndexedDB name of one person's copy of one document (per person, so a shared browser never mixes them). */
export function localCopyName(userId: string, docId: string): string {
  return `${PREFIX}${userId}:${docId}`;
}

/** How a delete ended: gone, or still to do (kept on the pending list and retried at next start). */
export type DeleteOutcome = "deleted" | "pending";

function readList(key: string): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

function writeList(key: string, list: string[]): void {
  try {
    if (list.length) localStorage.setItem(key, JSON.stringify([...new Set(list)]));
    else localStorage.removeItem(key);
  } catch {
    // Storage unavailable or full: the registry is a backup for browsers without databases().
  }
}

/** Records that this person has a copy of `docId` here; called before the copy is opened. */
export function registerLocalCopy(userId: string, docId: string): void {
  if (!isCurrentPerson(userId)) return;
  const name = localCopyName(userId, docId);
  // Opening it again means the person wants it: an old unfinished delete must not remove it later.
  writeList(PENDING, readList(PENDING).filter((n) => n !== name));
  const list = readList(REGISTRY + userId);
  if (!list.includes(docId)) writeList(REGISTRY + userId, [...list, docId]);
}

/** Names of deletions that were asked for and not yet confirmed. */
export function pendingDeletions(): string[] {
  return readList(PENDING);
}

/**
 * Deletes one database. A delete that another tab blocks is not reported as done: the other tabs
 * are asked to close the copy, and if they have not within a few seconds the name stays on the
 * pending list (the browser still finishes the delete once they close; the next start retries).
 */
export function deleteCopyDatabase(name: string, waitMs = BLOCKED_WAIT_MS): Promise<DeleteOutcome> {
  writeList(PENDING, [...readList(PENDING), name]);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: DeleteOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => settle("pending"), waitMs);
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.deleteDatabase(name);
    } catch {
      return settle("pending");
    }
    request.onsuccess = () => {
      writeList(PENDING, readList(PENDING).filter((n) => n !== name));
      settle("deleted");
    };
    request.onerror = () => settle("pending");
    request.onblocked = () => tellOtherTabs({ type: "close-copies", names: [name] });
  });
}

/** Deletes this person's copy of one document (the document was deleted, or they lost access). */
export async function forgetLocalCopy(userId: string, docId: string): Promise<DeleteOutcome> {
  forgetUnsynced(userId, docId);
  const outcome = await deleteCopyDatabase(localCopyName(userId, docId));
  if (outcome === "deleted") writeList(REGISTRY + userId, readList(REGISTRY + userId).filter((d) => d !== docId));
  return outcome;
}

/** Names of this person's copies: what the browser lists, plus our own registry. */
async function copiesOf(userId: string): Promise<string[]> {
  const names = new Set(readList(REGISTRY + userId).map((docId) => localCopyName(userId, docId)));
  try {
    if (typeof indexedDB.databases === "function") {
      for (const db of await indexedDB.databases()) if (db.name?.startsWith(localCopyName(userId, ""))) names.add(db.name);
    }
  } catch {
    // databases() can fail (private mode); the registry still names the copies we opened.
  }
  return [...names];
}

/**
 * Deletes every copy this person has on this device, e.g. on sign-out. Resolves with the names whose
 * delete could not finish yet (they stay on the pending list).
 */
export async function forgetPersonCopies(userId: string): Promise<string[]> {
  forgetUnsynced(userId);
  let names: string[] = [];
  try {
    names = await copiesOf(userId);
  } catch {
    // IndexedDB unavailable: nothing was kept.
  }
  const outcomes = await Promise.all(names.map((name) => deleteCopyDatabase(name)));
  writeList(REGISTRY + userId, []);
  return names.filter((_, i) => outcomes[i] === "pending");
}

/**
 * Retries the deletions a previous page could not finish. Call once at start, before any copy is
 * opened: IndexedDB runs requests for one name in order, so a later open waits for the delete.
 */
export function applyPendingDeletions(): void {
  for (const name of readList(PENDING)) void deleteCopyDatabase(name);
}
