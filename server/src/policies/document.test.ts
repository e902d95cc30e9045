import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "@confer/shared";
import type { User } from "../store/users.ts";
import { can, canGrant, DOCUMENT_ACTIONS, syncMode, type DocumentAction } from "./document.ts";

const user: User = { id: "u", name: "U", email: "u@x.io", orgId: "o", company: "O", color: "#000", isOrgAdmin: false, emailVerified: true };
type Who = Role | "nonMember";
const WHO: Who[] = [...ROLES, "nonMember"];
const roleOf = (who: Who): Role | undefined => (who === "nonMember" ? undefined : who);

// The whole answer of the document policy, written out by hand: flipping any one cell in the
// policy makes exactly that case below fail.
const MATRIX: Record<DocumentAction, Record<Who, boolean>> = {
  read: { owner: true, editor: true, viewer: true, nonMember: false },
  update: { owner: true, editor: true, viewer: false, nonMember: false },
  rename: { owner: true, editor: true, viewer: false, nonMember: false },
  delete: { owner: true, editor: false, viewer: false, nonMember: false },
  viewMembers: { owner: true, editor: true, viewer: true, nonMember: false },
  manageMembers: { owner: true, editor: false, viewer: false, nonMember: false },
  manageInvites: { owner: true, editor: false, viewer: false, nonMember: false },
  viewActivity: { owner: true, editor: false, viewer: false, nonMember: false },
};

const cells = DOCUMENT_ACTIONS.flatMap((action) => WHO.map((who) => ({ action, who, allowed: MATRIX[action][who] })));

describe("document policy: every action for every role", () => {
  it("the table names every action the policy knows, and only those", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...DOCUMENT_ACTIONS].sort());
  });

  it.each(cells)("$who → $action: $allowed", ({ action, who, allowed }) => {
    expect(can({ user, role: roleOf(who) }, action)).toBe(allowed);
  });

  it.each(cells)("signed out, even with a role → $action: never", ({ action, who }) => {
    expect(can({ user: undefined, role: roleOf(who) }, action)).toBe(false);
  });
});

describe("sync mode follows the same rules", () => {
  const expected: Record<Who, "none" | "read" | "write"> = { owner: "write", editor: "write", viewer: "read", nonMember: "none" };
  it.each(WHO)("%s", (who) => {
    expect(syncMode({ user, role: roleOf(who) })).toBe(expected[who]);
    expect(syncMode({ user: undefined, role: roleOf(who) })).toBe("none");
  });
});

describe("granting roles: never above one's own", () => {
  const GRANTS: Record<Who, Record<Role, boolean>> = {
    owner: { owner: true, editor: true, viewer: true },
    editor: { owner: false, editor: true, viewer: true },
    viewer: { owner: false, editor: false, viewer: true },
    nonMember: { owner: false, editor: false, viewer: false },
  };
  it.each(WHO.flatMap((granter) => ROLES.map((role) => ({ granter, role, allowed: GRANTS[granter][role] }))))(
    "$granter grants $role: $allowed",
    ({ granter, role, allowed }) => expect(canGrant(roleOf(granter), role)).toBe(allowed),
  );
});
