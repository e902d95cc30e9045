import { describe, expect, it } from "vitest";
import type { User } from "../store/users.ts";
import { canManageOrg, checkSwitchOrg, provenDomain } from "./org.ts";

const person = (orgId: string, isOrgAdmin: boolean): User => ({ id: "p", name: "P", email: "p@acme.io", orgId, company: orgId, color: "#000", isOrgAdmin, emailVerified: true });

describe("organisation policy", () => {
  it.each([
    ["new@acme.io", "acme.io"],
    ["New@ACME.io", "acme.io"],
    ["someone@acme.io.evil.example", "acme.io.evil.example"],
    ["someone@gmail.com", undefined],
    ["someone@Outlook.com", undefined],
  ])("a proven address stands for its company's domain, unless anyone can get one there: %s → %s", (email, expected) =>
    expect(provenDomain(email)).toBe(expected),
  );

  it("an invitation moves an account only out of an organisation it has to itself", () => {
    expect(checkSwitchOrg(person("globex", false), "acme", 1)).toBeNull();
    expect(checkSwitchOrg(person("globex", false), "acme", 2)).toBe("org_has_others");
    expect(checkSwitchOrg(person("acme", false), "acme", 5)).toBe("already_in_org");
  });

  it.each([
    ["its admin", person("acme", true), true],
    ["a member who is not admin", person("acme", false), false],
    ["another organisation's admin", person("globex", true), false],
    ["nobody signed in", undefined, false],
  ] as [string, User | undefined, boolean][])("only an organisation's admins manage it: %s → %s", (_who, user, expected) =>
    expect(canManageOrg(user, "acme")).toBe(expected),
  );
});
