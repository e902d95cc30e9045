import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "@confer/shared";
import type { User } from "../store/users.ts";
import type { InviteRow } from "../store/invites.ts";
import { checkInviteCreator, checkInviteUsable, checkJoinOrg, isExternal, type InviteRefusal } from "./invite.ts";

const olga: User = { id: "olga", name: "Olga", email: "olga@acme.io", orgId: "acme", company: "Acme", color: "#000", isOrgAdmin: false, emailVerified: true };
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

describe("invite link state", () => {
  const at = new Date(base.expiresAt).getTime();
  it.each([
    ["fresh", base, null],
    ["revoked", { ...base, revokedAt: new Date().toISOString() }, "revoked"],
    ["revoked and used up", { ...base, revokedAt: new Date().toISOString(), uses: 2 }, "revoked"],
    ["one use left", { ...base, uses: 1 }, null],
    ["used up", { ...base, uses: 2 }, "used_up"],
    ["over-used (never more than max)", { ...base, uses: 3 }, "used_up"],
    ["unlimited", { ...base, maxUses: null, uses: 1000 }, null],
  ] as [string, InviteRow, InviteRefusal][])("%s → %s", (_name, invite, expected) => expect(checkInviteUsable(invite)).toBe(expected));
  it("expires at its expiry time, not a moment later", () => {
    expect(checkInviteUsable(base, new Date(at - 1))).toBeNull();
    expect(checkInviteUsable(base, new Date(at))).toBe("expired");
    expect(checkInviteUsable({ ...base, uses: 2 }, new Date(at))).toBe("expired");
  });
});

describe("a link grants at most what its creator may grant now: every creator role, every link role", () => {
  type Who = Role | "removed";
  // Only owners hand out links; once demoted or removed, every link they made stops working.
  const GRANTS: Record<Who, Record<Role, InviteRefusal>> = {
    owner: { owner: null, editor: null, viewer: null },
    editor: { owner: "inviter_lost_rights", editor: "inviter_lost_rights", viewer: "inviter_lost_rights" },
    viewer: { owner: "inviter_lost_rights", editor: "inviter_lost_rights", viewer: "inviter_lost_rights" },
    removed: { owner: "inviter_lost_rights", editor: "inviter_lost_rights", viewer: "inviter_lost_rights" },
  };
  const cases = (["owner", "editor", "viewer", "removed"] as Who[]).flatMap((who) => ROLES.map((role) => ({ who, role, expected: GRANTS[who][role] })));
  it.each(cases)("creator now $who, link carries $role: $expected", ({ who, role, expected }) =>
    expect(checkInviteCreator({ role }, { user: olga, role: who === "removed" ? undefined : who })).toBe(expected),
  );
  it.each(ROLES)("a creator whose account is gone grants nothing (%s link)", (role) =>
    expect(checkInviteCreator({ role }, { user: undefined, role: "owner" })).toBe("inviter_lost_rights"),
  );
});

describe("joining through another company's link", () => {
  const org = (allowExternal: boolean) => ({ id: "acme", name: "Acme", allowExternal, emailDomain: "acme.io" });
  it.each([
    [true, "globex", null],
    [true, undefined, null],
    [true, "acme", null],
    [false, "globex", "external_forbidden"],
    [false, undefined, "external_forbidden"],
    [false, "acme", null],
  ] as [boolean, string | undefined, InviteRefusal][])("allowExternal=%s, person's org %s → %s", (allow, personOrg, expected) =>
    expect(checkJoinOrg(org(allow), personOrg)).toBe(expected),
  );
  it("marks people of other organisations external", () => {
    expect(isExternal({ orgId: "globex" }, "acme")).toBe(true);
    expect(isExternal({ orgId: "acme" }, "acme")).toBe(false);
  });
});
