import { describe, expect, it } from "vitest";
import type { Role } from "@confer/shared";
import type { User } from "../store/users.ts";
import type { MeetingFacts } from "./meeting.ts";
import { canMinutes, MINUTES_ACTIONS } from "./minutes.ts";

const person = (id: string, orgId = "acme"): User => ({ id, name: id, email: `${id}@x.io`, orgId, company: orgId, color: "#000", isOrgAdmin: false, emailVerified: false });
const ended: MeetingFacts = { state: "ended", startedBy: { id: "ed" } };
const live: MeetingFacts = { state: "live", startedBy: { id: "ed" } };
const allowed = (role: Role | undefined, id: string, meeting = ended, orgId = "acme") => MINUTES_ACTIONS.filter((a) => canMinutes({ user: person(id, orgId), role }, a, meeting));

describe("minutes policy", () => {
  it("owners and the host record, read, play and try again", () => {
    expect(allowed("owner", "olga")).toEqual(["record", "view", "play", "retry"]);
    expect(allowed("editor", "ed", live)).toEqual(["record", "view", "play", "retry"]);
  });
  it("other members, guests included, read the minutes and play the recordings only", () => {
    expect(allowed("editor", "eve")).toEqual(["view", "play"]);
    expect(allowed("viewer", "vi")).toEqual(["view", "play"]);
    expect(allowed("viewer", "gus", ended, "globex")).toEqual(["view", "play"]);
  });
  it("non-members and anonymous people may do nothing, even the person who started it once they lost access", () => {
    expect(allowed(undefined, "ed")).toEqual([]);
    expect(MINUTES_ACTIONS.filter((a) => canMinutes({ user: undefined, role: "owner" }, a, ended))).toEqual([]);
  });
});
