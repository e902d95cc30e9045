// The last documents list and roles this device saw from the server, per person, for offline
// display. The service worker never caches API answers (they are `no-store`); the page keeps this
// small record itself and always labels what it shows from it as possibly out of date.
import { z } from "zod";
import { DocSummary, RoleSchema, type Role } from "@confer/shared";
import { isCurrentPerson } from "../auth/lastMe.ts";

const LIST = "confer:docs:";
const ROLES = "confer:roles:";
/** Bound on remembered roles per person (the oldest are dropped first). */
const MAX_ROLES = 500;

const StoredList = z.object({ savedAt: z.string(), docs: z.array(DocSummary) });
/** A documents list as last seen from the server, and when. */
export type LastKnownList = z.infer<typeof StoredList>;
const StoredRoles = z.record(RoleSchema);

function read<T>(key: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | undefined {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return undefined;
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function write(userId: string, key: string, value: unknown): void {
  // An answer that arrives after its person signed out is dropped, never written back.
  if (!isCurrentPerson(userId)) return;
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: offline display is a convenience only.
  }
}

/** Remembers the documents list the server just sent this person (and the role in each). */
export function rememberDocList(userId: string, docs: DocSummary[]): void {
  write(userId, LIST + userId, { savedAt: new Date().toISOString(), docs });
  const roles = { ...read(ROLES + userId, StoredRoles) };
  for (const doc of docs) roles[doc.id] = doc.role;
  writeRoles(userId, roles);
}

/** The documents list this person last saw here, if any. */
export function lastKnownDocList(userId: string): LastKnownList | undefined {
  return read(LIST + userId, StoredList);
}

/** Remembers this person's role in one document, as the server last told it. */
export function rememberRole(userId: string, docId: string, role: Role): void {
  const roles = { ...read(ROLES + userId, StoredRoles) };
  if (roles[docId] === role) return;
  delete roles[docId];
  roles[docId] = role;
  writeRoles(userId, roles);
}

function writeRoles(userId: string, roles: Record<string, Role>): void {
  const entries = Object.entries(roles);
  write(userId, ROLES + userId, Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_ROLES))));
}

/** This person's role in one document as last seen on this device; undefined when never seen. */
export function lastKnownRole(userId: string, docId: string): Role | undefined {
  return read(ROLES + userId, StoredRoles)?.[docId];
}

/** Forgets one document (deleted, or no longer shared with this person). */
export function forgetDocMeta(userId: string, docId: string): void {
  const list = lastKnownDocList(userId);
  if (list) write(userId, LIST + userId, { ...list, docs: list.docs.filter((d) => d.id !== docId) });
  const roles = read(ROLES + userId, StoredRoles);
  if (roles && docId in roles) {
    delete roles[docId];
    writeRoles(userId, roles);
  }
}

/** Forgets everything kept for this person (sign-out). */
export function forgetPersonMeta(userId: string): void {
  try {
    localStorage.removeItem(LIST + userId);
    localStorage.removeItem(ROLES + userId);
  } catch {
    // Storage unavailable: nothing was kept.
  }
}
