import { roleRank, type Role } from "@confer/shared";
import type { User } from "../store/users.ts";

/** Everything one can do with a document; the policy tests assert each of them for each role. */
export const DOCUMENT_ACTIONS = ["read", "update", "rename", "delete", "viewMembers", "manageMembers", "manageInvites", "viewActivity"] as const;

/** What one can do with a document. */
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

/** The facts a document decision rests on: who asks, and their role in the document (if any). */
export interface DocumentAccess {
  user: User | undefined;
  role: Role | undefined;
}

const ABILITIES: Record<Role, ReadonlySet<DocumentAction>> = {
  owner: new Set(["read", "update", "rename", "delete", "viewMembers", "manageMembers", "manageInvites", "viewActivity"]),
  editor: new Set(["read", "update", "rename", "viewMembers"]),
  viewer: new Set(["read", "viewMembers"]),
};

/** The single answer to "may this person do this to this document?". */
export function can(access: DocumentAccess, action: DocumentAction): boolean {
  if (!access.user || !access.role) return false;
  return ABILITIES[access.role].has(action);
}

/** How a sync connection may behave: refused, read-only, or read-write. */
export function syncMode(access: DocumentAccess): "none" | "read" | "write" {
  if (!can(access, "read")) return "none";
  return can(access, "update") ? "write" : "read";
}

/** Whether someone holding `granter` may hand out `role` (to a member or through a link): never above their own. */
export function canGrant(granter: Role | undefined, role: Role): boolean {
  return granter !== undefined && roleRank(role) <= roleRank(granter);
}
