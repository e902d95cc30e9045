import { describe, expect, it } from "vitest";
import { CloseCodes } from "@confer/shared";
import { closeForStatus } from "./refusal.ts";

describe("closeForStatus", () => {
  it("explains the sync server's upgrade refusals with the close the page already knows", () => {
    expect(closeForStatus(401)).toBe(CloseCodes.Unauthorized);
    expect(closeForStatus(403)).toBe(CloseCodes.Forbidden);
    expect(closeForStatus(404)).toBe(CloseCodes.NotFound);
  });

  it("leaves other answers to reconnecting (a restart, a proxy error)", () => {
    for (const status of [400, 429, 500, 502, 503]) expect(closeForStatus(status)).toBeUndefined();
  });
});
