// @vitest-environment happy-dom
import { describe, expect, test } from "vitest";
import { ConnectionError, DisconnectReason } from "livekit-client";
import { ApiRequestError } from "../../api/errors.ts";
import { explain, MeetingError } from "./errors.ts";

describe("meeting problems in words", () => {
  test("a token refused because the meeting ended, because meetings are off, or LiveKit is down", () => {
    const ended = MeetingError.fromTokenRequest(ApiRequestError.http(409, "This meeting has ended.", "meeting_ended"));
    expect([ended.reason, ended.retry, ended.message]).toEqual(["ended", false, "This meeting has ended."]);
    const off = MeetingError.fromTokenRequest(ApiRequestError.http(503, "Meetings are not set up on this server. An administrator needs to set LIVEKIT_URL.", "meetings_not_configured"));
    expect(off.reason).toBe("not_configured");
    expect(off.message).toContain("LIVEKIT_URL");
    expect(off.retry).toBe(false);
    const down = MeetingError.fromTokenRequest(ApiRequestError.http(502, "The meeting server (LiveKit) could not be reached.", "livekit_unreachable"));
    expect([down.reason, down.retry]).toEqual(["livekit_unreachable", true]);
    expect(MeetingError.fromTokenRequest(ApiRequestError.network()).reason).toBe("server_unreachable");
    expect(MeetingError.fromTokenRequest(ApiRequestError.http(404, "No such meeting.")).reason).toBe("no_access");
  });

  test("LiveKit closing the room: removed, ended, another tab, or the connection lost", () => {
    expect(MeetingError.fromDisconnect(DisconnectReason.CLIENT_INITIATED)).toBeUndefined();
    expect(MeetingError.fromDisconnect(DisconnectReason.PARTICIPANT_REMOVED)?.message).toBe("A host removed you from the meeting.");
    expect(MeetingError.fromDisconnect(DisconnectReason.ROOM_DELETED)?.reason).toBe("ended");
    expect(MeetingError.fromDisconnect(DisconnectReason.DUPLICATE_IDENTITY)?.retry).toBe(true);
    const lost = MeetingError.fromDisconnect(DisconnectReason.SIGNAL_CLOSE);
    expect([lost?.reason, lost?.retry]).toEqual(["connection_lost", true]);
  });

  test("a removal reads as lost access once the document says so, whichever came first", () => {
    const removed = MeetingError.fromDisconnect(DisconnectReason.PARTICIPANT_REMOVED)!;
    expect(explain(removed, false).reason).toBe("removed");
    expect(explain(removed, true).message).toBe("You were taken out of the meeting because you no longer have access to this document.");
    expect(explain(MeetingError.ended(), true).reason).toBe("ended");
  });

  test("a connection that fails says LiveKit could not be reached, and leaving while connecting says nothing", () => {
    expect(MeetingError.fromConnect(new Error("boom"))?.reason).toBe("livekit_unreachable");
    expect(MeetingError.fromConnect(ConnectionError.serverUnreachable("no"))?.retry).toBe(true);
    expect(MeetingError.fromConnect(ConnectionError.cancelled("left"))).toBeUndefined();
    expect(MeetingError.fromConnect(ConnectionError.leaveRequest("removed", DisconnectReason.PARTICIPANT_REMOVED))?.reason).toBe("removed");
  });

  test("a blocked camera or microphone says how to allow it", () => {
    const denied = MeetingError.fromMedia(new DOMException("Permission denied", "NotAllowedError"));
    expect(denied.reason).toBe("media_denied");
    expect(denied.message).toMatch(/blocked the camera and microphone/);
    expect(MeetingError.fromMedia(new DOMException("none", "NotFoundError")).reason).toBe("media_missing");
  });
});
