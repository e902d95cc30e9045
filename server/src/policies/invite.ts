import type { Org } from "../store/orgs.ts";
import type { InviteRow } from "../store/invites.ts";
import type { User } from "../store/users.ts";
import { can, canGrant, type DocumentAccess } from "./document.ts";

/** Why an invite link cannot be used, or null when it works. */
export type InviteRefusal = "revoked" | "expired" | "used_up" | "inviter_lost_rights" | "external_forbidden" | null;

/** Whether a link still works at `at`. */
export function checkInviteUsable(invite: InviteRow, at: Date = new Date()): InviteRefusal {
  if (invite.revokedAt) return "revoked";
  if (new Date(invite.expiresAt).getTime() <= at.getTime()) return "expired";
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return "used_up";
  return null;
}

/**
 * Whether the link's creator, with the access they hold in the document now (`role` undefined once
 * they were removed), may still hand out what the link carries. Checked each time a link is opened
 * or used: a link never grants more than its creator could grant at that moment, so rights taken
 * from a person also leave the links they made.
 */
export function checkInviteCreator(invite: Pick<InviteRow, "role">, creator: DocumentAccess): InviteRefusal {
  if (!can(creator, "manageInvites") || !canGrant(creator.role, invite.role)) return "inviter_lost_rights";
  return null;
}

/** Whether `person` (signed in, or about to sign up with `company` in `personOrgId`) may join through a link of `hostOrg`. */
export function checkJoinOrg(hostOrg: Org, personOrgId: string | undefined): InviteRefusal {
  const external = personOrgId !== hostOrg.id;
  return external && !hostOrg.allowExternal ? "external_forbidden" : null;
}

/** Whether a person is external to a document's organisation. */
export function isExternal(person: Pick<User, "orgId">, docOrgId: string): boolean {
  return person.orgId !== docOrgId;
}
