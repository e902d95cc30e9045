import { AccessToken } from "livekit-server-sdk";
import type { DocumentMeta } from "../store/documents.ts";
import type { User } from "../store/users.ts";
import { MEETING_TOKEN_TTL_SECONDS, meetingAttributes, meetingGrant, type DocumentAccess, type MeetingFacts } from "../policies/index.ts";
import type { LiveKitConnection } from "./rooms.ts";

/**
 * Mints a member's token for a meeting's room: identity = their user id, their real name, the
 * server's {company, external} attributes, and the grant the meeting policy decides.
 */
export function mintMeetingToken(
  lk: LiveKitConnection,
  access: DocumentAccess & { user: User },
  doc: Pick<DocumentMeta, "orgId">,
  meeting: MeetingFacts,
  roomName: string,
): Promise<string> {
  const token = new AccessToken(lk.apiKey, lk.apiSecret, {
    identity: access.user.id,
    name: access.user.name,
    attributes: meetingAttributes(access.user, doc.orgId),
    ttl: MEETING_TOKEN_TTL_SECONDS,
  });
  token.addGrant(meetingGrant(access, meeting, roomName));
  return token.toJwt();
}
