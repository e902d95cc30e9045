import { describe, expect, it } from "vitest";
import { redactPath } from "./requestLog.ts";

describe("request log", () => {
  it("never logs invite tokens or query strings", () => {
    expect(redactPath("/api/invites/abcDEF123_-secret/accept")).toBe("/api/invites/:token/accept");
    expect(redactPath("/api/invites/abcDEF123_-secret")).toBe("/api/invites/:token");
    expect(redactPath("/api/docs/x?token=1")).toBe("/api/docs/x");
    expect(redactPath("/api/docs/abc")).toBe("/api/docs/abc");
  });
});
