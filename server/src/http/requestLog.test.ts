import { describe, expect, it } from "vitest";
import { redactPath } from "./requestLog.ts";

describe("request log", () => {
  it("never logs invite tokens or query strings", () => {
    expect(redactPath("/api/invites/abcDEF123_-secret/accept")).toBe("/api/invites/:token/accept");
    expect(redactPath("/api/invites/abcDEF123_-secret")).toBe("/api/invites/:token");
    expect(redactPath("/api/docs/x?token=1")).toBe("/api/docs/x");
    expect(redactPath("/api/docs/abc")).toBe("/api/docs/abc");
    expect(redactPath("/api/org-invites/abcDEF123_-secret/accept")).toBe("/api/org-invites/:token/accept");
    expect(redactPath("/api/invites/a%2Fb?x=1")).toBe("/api/invites/:token");
    expect(redactPath(`/verify/${"t".repeat(43)}`)).toBe("/verify/:secret");
    expect(redactPath("/api/docs/AbCdEfGhIjKlMnOp/members")).toBe("/api/docs/AbCdEfGhIjKlMnOp/members");
  });
});
