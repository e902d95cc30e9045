import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "@confer/shared";
import type { User } from "../store/users.ts";
import { checkAddMember, checkChangeRole, checkRemoveMember, type MembershipRefusal } from "./membership.ts";

const acme = (id: string): User => ({ id, name: id, email: `${id}@acme.io`, orgId: "acme", company: "Acme", color: "#000", isOrgAdmin: false, emailVerified: true });
const globex: User = { ...acme("gus"), orgId: "globex", company: "Globex" };
type Who = Role | "nonMember";
const WHO: Who[] = [...ROLES, "nonMember"];
const actor = (who: Who) => ({ user: acme("actor"), role: who === "nonMember" ? undefined : who });

describe("adding a colleague by email: every actor, every role", () => {
  // Only owners add people; any role up to their own (an owner's is every role).
  const ADD: Record<Who, Record<Role, MembershipRefusal>> = {
    owner: { owner: null, editor: null, viewer: null },
    editor: { owner: "not_owner", editor: "not_owner", viewer: "not_owner" },
    viewer: { owner: "not_owner", editor: "not_owner", viewer: "not_owner" },
    nonMember: { owner: "not_owner", editor: "not_owner", viewer: "not_owner" },
  };
  it.each(WHO.flatMap((who) => ROLES.map((role) => ({ who, role, expected: ADD[who][role] }))))(
    "$who adds an $role: $expected",
    ({ who, role, expected }) => expect(checkAddMember(actor(who), acme("new"), role)).toBe(expected),
  );
  it.each(ROLES)("an owner cannot add someone of another company, or without an account, as %s", (role) => {
    expect(checkAddMember(actor("owner"), globex, role)).toBe("other_company");
    expect(checkAddMember(actor("owner"), undefined, role)).toBe("other_company");
    // Someone who only typed a colleague's address is not that colleague.
    expect(checkAddMember(actor("owner"), { ...acme("typed"), emailVerified: false }, role)).toBe("other_company");
  });
  it("signed out adds nobody", () => expect(checkAddMember({ user: undefined, role: "owner" }, acme("new"), "viewer")).toBe("not_owner"));
});

describe("changing a member's role: every actor, every change", () => {
  const changes = WHO.flatMap((who) => ROLES.flatMap((from) => ROLES.flatMap((to) => [1, 2].map((owners) => ({ who, from, to, owners })))));
  // Owners change anyone, except demoting the last owner; nobody else changes anyone.
  const expected = ({ who, from, to, owners }: (typeof changes)[number]): MembershipRefusal =>
    who !== "owner" ? "not_owner" : from === "owner" && to !== "owner" && owners === 1 ? "last_owner" : null;
  it("the table has every case", () => expect(changes).toHaveLength(4 * 3 * 3 * 2));
  it.each(changes.map((c) => ({ ...c, result: expected(c) })))("$who: $from → $to with $owners owner(s): $result", ({ who, from, to, owners, result }) =>
    expect(checkChangeRole(actor(who), from, to, owners)).toBe(result),
  );
  it("spelled out: the last owner stays, a second owner lets the first step down, editors change nobody", () => {
    expect(checkChangeRole(actor("owner"), "owner", "editor", 1)).toBe("last_owner");
    expect(checkChangeRole(actor("owner"), "owner", "viewer", 2)).toBeNull();
    expect(checkChangeRole(actor("editor"), "viewer", "viewer", 2)).toBe("not_owner");
  });
});

describe("removing a member: every actor, every target", () => {
  const REMOVE_OTHER: Record<Who, Record<Role, [MembershipRefusal, MembershipRefusal]>> = {
    // [with one owner, with two owners]
    owner: { owner: ["last_owner", null], editor: [null, null], viewer: [null, null] },
    editor: { owner: ["not_owner", "not_owner"], editor: ["not_owner", "not_owner"], viewer: ["not_owner", "not_owner"] },
    viewer: { owner: ["not_owner", "not_owner"], editor: ["not_owner", "not_owner"], viewer: ["not_owner", "not_owner"] },
    nonMember: { owner: ["not_owner", "not_owner"], editor: ["not_owner", "not_owner"], viewer: ["not_owner", "not_owner"] },
  };
  it.each(WHO.flatMap((who) => ROLES.flatMap((role) => [1, 2].map((owners) => ({ who, role, owners, expected: REMOVE_OTHER[who][role][owners - 1]! })))))(
    "$who removes another $role with $owners owner(s): $expected",
    ({ who, role, owners, expected }) => expect(checkRemoveMember(actor(who), "someone-else", role, owners)).toBe(expected),
  );
  // Everyone may leave, except the last owner.
  const LEAVE: Record<Role, [MembershipRefusal, MembershipRefusal]> = { owner: ["last_owner", null], editor: [null, null], viewer: [null, null] };
  it.each(ROLES.flatMap((role) => [1, 2].map((owners) => ({ role, owners, expected: LEAVE[role][owners - 1]! }))))(
    "an $role leaves with $owners owner(s): $expected",
    ({ role, owners, expected }) => expect(checkRemoveMember(actor(role), "actor", role, owners)).toBe(expected),
  );
});
