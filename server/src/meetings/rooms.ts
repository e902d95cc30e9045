// Names and shapes of Confer's LiveKit rooms, without livekit-server-sdk: the SDK is loaded only
// when LiveKit is configured (MeetingService.init), so a server without meetings starts faster.

/** Where and with which key the server talks to LiveKit. */
export interface LiveKitConnection {
  /** What browsers connect to. */
  url: string;
  /** Where the server calls the API (defaults to `url`). */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
}

/**
 * The ws(s) and http(s) origins of LIVEKIT_URL, for the page's Content-Security-Policy: livekit-client
 * signals over the WebSocket and calls `/rtc/validate` there over fetch to explain a failed connection.
 */
export function liveKitHttpOrigin(url: string | undefined): string[] {
  if (!url) return [];
  const http = new URL(url.replace(/^ws/, "http"));
  const ws = new URL(url.replace(/^http/, "ws"));
  return [http.origin, `${ws.protocol}//${ws.host}`];
}

/** Name prefix of the rooms Confer creates; other rooms on the same LiveKit are left alone. */
export const ROOM_PREFIX = "confer-";

/** The LiveKit room name of a meeting. */
export const roomNameFor = (meetingId: string) => `${ROOM_PREFIX}${meetingId}`;

/** What a room's metadata says (written at creation, read back by reconciliation). */
export interface RoomMetadata {
  docId: string;
  meetingId: string;
}

/** `ParticipantInfo_Kind.STANDARD`: a person (not egress, ingress, SIP or an agent). */
export const STANDARD_PARTICIPANT = 0;
