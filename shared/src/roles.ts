/** A person's role in one document, from most to least powerful. */
export const ROLES = ["owner", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Rank of a role; a higher number may do more. */
export function roleRank(role: Role): number {
  return ROLES.length - ROLES.indexOf(role);
}
