import type { User } from "../store/users.ts";
import type { OrgInviteRow } from "../store/orgInvites.ts";
import { emailDomain } from "../store/orgs.ts";

/**
 * Mail providers anyone can get an address at: proving an address there says nothing about a
 * company, so such a domain never makes or joins an organisation.
 */
const PUBLIC_MAIL_DOMAINS = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "ymail.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "pm.me",
  "gmx.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "mail.com",
  "zoho.com",
  "yandex.com",
  "yandex.ru",
  "mail.ru",
  "qq.com",
  "163.com",
  "fastmail.com",
  "hey.com",
  "tutanota.com",
]);

/**
 * The company domain a *proven* address stands for: a person who confirms it joins the
 * organisation that owns that domain, or founds one that does. Undefined for public mail providers.
 * Never call this with an address nobody proved: a typed address grants nothing.
 */
export function provenDomain(verifiedEmail: string): string | undefined {
  const domain = emailDomain(verifiedEmail);
  return domain && !PUBLIC_MAIL_DOMAINS.has(domain) ? domain : undefined;
}

/** Only an organisation's admins change its settings and invite people into it (the founder is the first admin). */
export function canManageOrg(user: User | undefined, orgId: string): boolean {
  return !!user && user.orgId === orgId && user.isOrgAdmin;
}

/** Why an organisation invitation cannot be used, or null when it can. */
export type OrgInviteRefusal = "revoked" | "expired" | "used_up" | "already_in_org" | "org_has_others" | null;

/** Whether an organisation invitation still works at `at`. */
export function checkOrgInviteUsable(invite: OrgInviteRow, at: Date = new Date()): OrgInviteRefusal {
  if (invite.revokedAt) return "revoked";
  if (new Date(invite.expiresAt).getTime() <= at.getTime()) return "expired";
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return "used_up";
  return null;
}

/**
 * May an existing account move into the inviting organisation? Only when nobody else shares its
 * current one (typically the organisation its own sign-up founded, whose documents then come along):
 * an invitation never pulls a person out of a team.
 */
export function checkSwitchOrg(person: User, inviteOrgId: string, membersOfCurrentOrg: number): OrgInviteRefusal {
  if (person.orgId === inviteOrgId) return "already_in_org";
  return membersOfCurrentOrg > 1 ? "org_has_others" : null;
}
