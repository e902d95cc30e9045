import type { User } from "../store/users.ts";
import { emailDomain, type Org } from "../store/orgs.ts";

/**
 * Whether a person signing up with `email` may join the existing organisation `org` by naming its
 * company: only from the founder's email domain, so nobody can pass as a colleague by typing a name.
 */
export function canJoinOrg(org: Org, email: string): boolean {
  return org.emailDomain === "" || org.emailDomain === emailDomain(email);
}

/** Only an organisation's admins change its settings (the founder is the first admin). */
export function canManageOrg(user: User | undefined, orgId: string): boolean {
  return !!user && user.orgId === orgId && user.isOrgAdmin;
}
