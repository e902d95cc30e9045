import { describe, expect, it } from "vitest";
import type { User } from "../store/users.ts";
import { canJoinOrg, canManageOrg } from "./org.ts";

const person = (orgId: string, isOrgAdmin: boolean): User => ({ id: "p", name: "P", email: "p@acme.io", orgId, company: orgId, color: "#000", isOrgAdmin });
const acme = { id: "acme", name: "Acme", allowExternal: true, emailDomain: "acme.io" };

describe("organisation policy", () => {
  it.each([
    ["new@acme.io", true],
    ["New@ACME.io", true],
    ["impostor@globex.io", false],
    ["impostor@acme.io.evil.example", false],
    ["impostor@sub.acme.io", false],
  ])("an existing company is joined only from its founder's domain: %s → %s", (email, expected) => expect(canJoinOrg(acme, email)).toBe(expected));
  it("an organisation without a known domain takes anyone naming it", () => expect(canJoinOrg({ ...acme, emailDomain: "" }, "x@y.io")).toBe(true));

  it.each([
    ["its admin", person("acme", true), true],
    ["a member who is not admin", person("acme", false), false],
    ["another organisation's admin", person("globex", true), false],
    ["nobody signed in", undefined, false],
  ] as [string, User | undefined, boolean][])("only an organisation's admins manage it: %s → %s", (_who, user, expected) =>
    expect(canManageOrg(user, "acme")).toBe(expected),
  );
});
