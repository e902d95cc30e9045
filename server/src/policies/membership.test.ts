import { describe, expect, it } from "vitest";
import type { User } from "../store/users.ts";
import type { InviteRow } from "../store/invites.ts";
import { canGrant } from "./document.ts";
import { checkAddMember, checkChangeRole, checkRemoveMember } from "./membership.ts";
import { checkInviteUsable, checkJoinOrg } from "./invite.ts";
import { canManageOrg, checkSwitchOrg, provenDomain } from "./org.ts";

const acme = (id: string, admin = false): User => ({ id, name: id, email: `${id}@acme.io`, orgId: "acme", company: "Acme", color: "#000", isOrgAdmin: admin, emailVerified: true });
const globex: User = { ...acme("gus"), orgId: "globex", company: "Globex" };
const owner = { user: acme("olga"), role: "owner" as const };
const editor = { user: acme("ed"), role: "editor" as const };
const viewer = { user: acme("vi"), role: "viewer" as const };

describe("granting roles", () => {
  it("never above one's own", () => {
    expect(canGrant("owner", "owner")).toBe(true);
    expect(canGrant("editor", "editor")).toBe(true);
    expect(canGrant("editor", "owner")).toBe(false);
    expect(canGrant("viewer", "editor")).toBe(false);
    expect(canGrant(undefined, "viewer")).toBe(false);
  });
});

describe("membership policy", () => {
  it("only owners add people, only of their own company", () => {
    expect(checkAddMember(owner, acme("new"), "editor")).toBeNull();
    expect(checkAddMember(owner, globex, "viewer")).toBe("other_company");
    expect(checkAddMember(owner, undefined, "viewer")).toBe("other_company");
    // Someone who only typed a colleague's address is not that colleague.
    expect(checkAddMember(owner, { ...acme("typed"), emailVerified: false }, "viewer")).toBe("other_company");
    expect(checkAddMember(editor, acme("new"), "viewer")).toBe("not_owner");
    expect(checkAddMember(viewer, acme("new"), "viewer")).toBe("not_owner");
  });
  it("the last owner cannot be demoted or removed", () => {
    expect(checkChangeRole(owner, "owner", "editor", 1)).toBe("last_owner");
    expect(checkChangeRole(owner, "owner", "editor", 2)).toBeNull();
    expect(checkRemoveMember(owner, "olga", "owner", 1)).toBe("last_owner");
    expect(checkRemoveMember(owner, "ed", "editor", 1)).toBeNull();
  });
  it("editors and viewers change nobody, but may leave", () => {
    expect(checkChangeRole(editor, "viewer", "editor", 1)).toBe("not_owner");
    expect(checkRemoveMember(editor, "vi", "viewer", 1)).toBe("not_owner");
    expect(checkRemoveMember(viewer, "vi", "viewer", 1)).toBeNull();
  });
});

describe("invite policy", () => {
  const base: InviteRow = {
    id: "i",
    docId: "d",
    role: "editor",
    createdBy: "olga",
    createdByName: "Olga",
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    maxUses: 2,
    uses: 0,
    revokedAt: null,
  };
  it("a link works until revoked, expired or used up", () => {
    expect(checkInviteUsable(base)).toBeNull();
    expect(checkInviteUsable({ ...base, revokedAt: new Date().toISOString() })).toBe("revoked");
    expect(checkInviteUsable({ ...base, expiresAt: new Date(Date.now() - 1).toISOString() })).toBe("expired");
    expect(checkInviteUsable({ ...base, uses: 2 })).toBe("used_up");
    expect(checkInviteUsable({ ...base, maxUses: null, uses: 1000 })).toBeNull();
  });
  it("guests are refused when the host organisation forbids external members", () => {
    expect(checkJoinOrg({ id: "acme", name: "Acme", allowExternal: true, emailDomain: "acme.io" }, "globex")).toBeNull();
    expect(checkJoinOrg({ id: "acme", name: "Acme", allowExternal: false, emailDomain: "acme.io" }, "globex")).toBe("external_forbidden");
    expect(checkJoinOrg({ id: "acme", name: "Acme", allowExternal: false, emailDomain: "acme.io" }, undefined)).toBe("external_forbidden");
    expect(checkJoinOrg({ id: "acme", name: "Acme", allowExternal: false, emailDomain: "acme.io" }, "acme")).toBeNull();
  });
  it("a proven address stands for its company's domain, unless anyone can get one there", () => {
    expect(provenDomain("new@acme.io")).toBe("acme.io");
    expect(provenDomain("New@ACME.io")).toBe("acme.io");
    expect(provenDomain("someone@acme.io.evil.example")).toBe("acme.io.evil.example");
    expect(provenDomain("someone@gmail.com")).toBeUndefined();
    expect(provenDomain("someone@Outlook.com")).toBeUndefined();
  });
  it("an invitation moves an account only out of an organisation it has to itself", () => {
    expect(checkSwitchOrg(globex, "acme", 1)).toBeNull();
    expect(checkSwitchOrg(globex, "acme", 2)).toBe("org_has_others");
    expect(checkSwitchOrg(acme("a"), "acme", 5)).toBe("already_in_org");
  });
  it("only an organisation's admins manage it", () => {
    expect(canManageOrg(acme("a", true), "acme")).toBe(true);
    expect(canManageOrg(acme("b"), "acme")).toBe(false);
    expect(canManageOrg({ ...globex, isOrgAdmin: true }, "acme")).toBe(false);
  });
});
