import { describe, expect, it } from "vitest";
import type { User } from "../store/users.ts";
import { can, syncMode, type DocumentAction } from "./document.ts";

const user: User = { id: "u", name: "U", email: "u@x.io", orgId: "o", company: "O", color: "#000", isOrgAdmin: false, emailVerified: true };
const actions: DocumentAction[] = ["read", "update", "rename", "delete", "manageMembers"];
const allowed = (role: "owner" | "editor" | "viewer" | undefined, u: User | null = user) =>
  actions.filter((a) => can({ user: u ?? undefined, role }, a));

describe("document policy", () => {
  it("owner may do everything", () => expect(allowed("owner")).toEqual(actions));
  it("editor reads, writes and renames, but cannot delete or manage members", () =>
    expect(allowed("editor")).toEqual(["read", "update", "rename"]));
  it("viewer only reads", () => expect(allowed("viewer")).toEqual(["read"]));
  it("a non-member or anonymous person may do nothing", () => {
    expect(allowed(undefined)).toEqual([]);
    expect(allowed("owner", null)).toEqual([]);
  });
  it("sync mode follows the same rules", () => {
    expect(syncMode({ user, role: "owner" })).toBe("write");
    expect(syncMode({ user, role: "editor" })).toBe("write");
    expect(syncMode({ user, role: "viewer" })).toBe("read");
    expect(syncMode({ user, role: undefined })).toBe("none");
  });
});
