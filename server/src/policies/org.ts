import type { User } from "../store/users.ts";

/** Only an organisation's admins change its settings (the founder is the first admin). */
export function canManageOrg(user: User | undefined, orgId: string): boolean {
  return !!user && user.orgId === orgId && user.isOrgAdmin;
}
