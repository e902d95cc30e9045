import type { VideoGrant } from "livekit-server-sdk";
import type { MeetingState } from "@confer/shared";
import type { User } from "../store/users.ts";
import { can, type DocumentAccess } from "./document.ts";
import { isExternal } from "./invite.ts";

/** What one can do with a document's meetings. */
export type MeetingAction =
  /** start a meeting from the document */
  | "start"
  /** see the document's meetings and their attendance */
  | "view"
  /** get a token for a live meeting: join, speak, share */
  | "join"
  /** end the meeting, mute or remove people (and roomAdmin in the token) */
  | "host";

/** The facts about one meeting a decision rests on. */
export interface MeetingFacts {
  state: MeetingState;
  startedBy: { id: string };
}

/**
 * The single answer to "may this person do this with this document's meetings?". Owners and
 * editors start meetings; every member (guests and viewers included) sees them and may join and
 * speak while one is live; the person who started it and the document's owners host it.
 */
export function canMeeting(access: DocumentAccess, action: MeetingAction, meeting?: MeetingFacts): boolean {
  if (!can(access, "read") || !access.user) return false;
  switch (action) {
    case "start":
      return can(access, "update");
    case "view":
      return true;
    case "join":
      return meeting?.state === "live";
    case "host":
      return !!meeting && (access.role === "owner" || meeting.startedBy.id === access.user.id);
  }
}

/** How long a meeting token may be used to connect; LiveKit refreshes it for connected clients. */
export const MEETING_TOKEN_TTL_SECONDS = 5 * 60;

/**
 * The LiveKit grant of a member's meeting token: join this room, publish and subscribe, never change
 * their own name or attributes; `roomAdmin` only for hosts. Nobody but the server itself ever gets
 * roomCreate, roomList, roomRecord, hidden or agent.
 */
export function meetingGrant(access: DocumentAccess, meeting: MeetingFacts, roomName: string): VideoGrant {
  return {
    room: roomName,
    roomJoin: canMeeting(access, "join", meeting),
    roomAdmin: canMeeting(access, "host", meeting),
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
    roomCreate: false,
    roomList: false,
    roomRecord: false,
    hidden: false,
    recorder: false,
    agent: false,
  };
}

/** The attributes every participant carries, set by the server: their company and whether they are external. */
export function meetingAttributes(user: Pick<User, "company" | "orgId">, docOrgId: string): { company: string; external: "true" | "false" } {
  return { company: user.company, external: isExternal(user, docOrgId) ? "true" : "false" };
}
