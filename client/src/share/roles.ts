import { ROLES, roleRank, type Role } from "@confer/shared";

/** A role's name as shown in menus and lists. */
export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", editor: "Editor", viewer: "Viewer" };

/** The roles a person with `own` may hand out (never above their own), most powerful first. */
export function grantableRoles(own: Role): Role[] {
  return ROLES.filter((r) => roleRank(r) <= roleRank(own));
}

/** What a role lets you do to a document, as a verb: "own", "edit", "view". */
export function roleVerb(role: Role): string {
  return role === "owner" ? "own" : role === "editor" ? "edit" : "view";
}

/** The role with its article, for sentences: "an editor", "a viewer", "an owner". */
export function withArticle(role: Role): string {
  return role === "viewer" ? "a viewer" : `an ${role}`;
}

const PALETTE = ["#2f6feb", "#8250df", "#bf3989", "#cf222e", "#bc4c00", "#1a7f37", "#0a7ea4", "#6e7781"];

/** A stable colour for a member's initials circle (the member list has no awareness colour). */
export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length]!;
}
