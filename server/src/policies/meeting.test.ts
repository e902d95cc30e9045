import { describe, expect, it } from "vitest";
import type { Role } from "@confer/shared";
import type { User } from "../store/users.ts";
import { canMeeting, meetingAttributes, meetingGrant, type MeetingAction, type MeetingFacts } from "./meeting.ts";

const person = (id: string, orgId = "acme"): User => ({ id, name: id, email: `${id}@x.io`, orgId, company: orgId, color: "#000", isOrgAdmin: false, emailVerified: false });
const live: MeetingFacts = { state: "live", startedBy: { id: "ed" } };
const ended: MeetingFacts = { state: "ended", startedBy: { id: "ed" } };
const actions: MeetingAction[] = ["start", "view", "join", "host"];
const allowed = (role: Role | undefined, id: string, meeting: MeetingFacts = live) =>
  actions.filter((a) => canMeeting({ user: person(id), role }, a, meeting));

describe("meeting policy", () => {
  it("owners start, join and host every meeting of their document", () => expect(allowed("owner", "olga")).toEqual(actions));
  it("editors start and join; they host the meetings they started", () => {
    expect(allowed("editor", "eve")).toEqual(["start", "view", "join"]);
    expect(allowed("editor", "ed")).toEqual(actions);
  });
  it("viewers and guests join and speak, but never start or host", () => {
    expect(allowed("viewer", "vi")).toEqual(["view", "join"]);
    expect(canMeeting({ user: person("gus", "globex"), role: "viewer" }, "join", live)).toBe(true);
  });
  it("a starter who lost access hosts nothing; non-members and anonymous people may do nothing", () => {
    expect(allowed(undefined, "ed")).toEqual([]);
    expect(canMeeting({ user: undefined, role: "owner" }, "view", live)).toBe(false);
  });
  it("nobody joins an ended meeting", () => {
    expect(allowed("owner", "olga", ended)).toEqual(["start", "view", "host"]);
    expect(allowed("viewer", "vi", ended)).toEqual(["view"]);
  });
});

describe("meeting token grant", () => {
  const privileged = ["roomCreate", "roomList", "roomRecord", "hidden", "recorder", "agent", "canUpdateOwnMetadata"] as const;
  for (const [role, id, admin] of [["owner", "olga", true], ["editor", "ed", true], ["editor", "eve", false], ["viewer", "vi", false]] as const) {
    it(`${role} ${id}: roomAdmin ${admin}, never a privileged grant`, () => {
      const grant = meetingGrant({ user: person(id), role }, live, "room-1");
      expect(grant).toMatchObject({ room: "room-1", roomJoin: true, roomAdmin: admin, canPublish: true, canSubscribe: true });
      for (const key of privileged) expect(grant[key]).toBe(false);
    });
  }
  it("attributes come from the server's records", () => {
    expect(meetingAttributes(person("gus", "globex"), "acme")).toEqual({ company: "globex", external: "true" });
    expect(meetingAttributes(person("ann"), "acme")).toEqual({ company: "acme", external: "false" });
  });
});
