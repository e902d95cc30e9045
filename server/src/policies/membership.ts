import type { Role } from "@confer/shared";
import type { User } from "../store/users.ts";
import { can, canGrant, type DocumentAccess } from "./document.ts";

/** Why a membership change is refused, or null when it is allowed. */
export type MembershipRefusal =
  | "not_owner"
  | "role_too_high"
  | "last_owner"
  | "other_company"
  | null;

/**
 * May `actor` add `person` (undefined: no account proved that email) with `role`? Owners add people
 * of their own company by email, and only accounts that proved the address: a typed address is
 * anyone's. People of other companies come in through invite links.
 */
export function checkAddMember(actor: DocumentAccess, person: User | undefined, role: Role): MembershipRefusal {
  if (!can(actor, "manageMembers")) return "not_owner";
  if (!canGrant(actor.role, role)) return "role_too_high";
  if (!person || !person.emailVerified || !actor.user || person.orgId !== actor.user.orgId) return "other_company";
  return null;
}

/** May `actor` change a member from `from` to `to`, given how many owners the document has? */
export function checkChangeRole(actor: DocumentAccess, from: Role, to: Role, owners: number): MembershipRefusal {
  if (!can(actor, "manageMembers")) return "not_owner";
  if (!canGrant(actor.role, to)) return "role_too_high";
  if (from === "owner" && to !== "owner" && owners <= 1) return "last_owner";
  return null;
}

/** May `actor` remove a member holding `role`? Owners remove anyone; everyone may leave. */
export function checkRemoveMember(actor: DocumentAccess, targetUserId: string, role: Role, owners: number): MembershipRefusal {
  const self = actor.user?.id === targetUserId;
  if (!self && !can(actor, "manageMembers")) return "not_owner";
  if (role === "owner" && owners <= 1) return "last_owner";
  return null;
}
