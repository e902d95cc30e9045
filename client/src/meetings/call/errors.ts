import { ConnectionError, ConnectionErrorReason, DisconnectReason, MediaDeviceFailure } from "livekit-client";
import { MeetingErrors } from "@confer/shared";
import { ApiRequestError } from "../../api/errors.ts";

/** Why the page is not, or no longer, in a meeting. */
export type MeetingErrorReason =
  | "not_configured"
  | "livekit_unreachable"
  | "server_unreachable"
  | "no_access"
  | "ended"
  | "removed"
  | "access_lost"
  | "duplicate"
  | "connection_lost"
  | "media_denied"
  | "media_missing"
  | "media_in_use"
  | "unknown";

/**
 * A meeting problem with a reason code, the words shown for it, and whether trying again can help
 * (LiveKit's own `ConnectionError` is the model: a reason plus static factories).
 */
export class MeetingError extends Error {
  override readonly name = "MeetingError";

  private constructor(
    readonly reason: MeetingErrorReason,
    message: string,
    /** Whether a "Try again" button makes sense. */
    readonly retry: boolean,
  ) {
    super(message);
  }

  /** The meeting is over: nobody joins it again. */
  static ended(): MeetingError {
    return new MeetingError("ended", "This meeting has ended.", false);
  }

  /** A host took this person out of the meeting. */
  static removed(): MeetingError {
    return new MeetingError("removed", "A host removed you from the meeting.", false);
  }

  /** Taken out of the meeting because their access to the document ended. */
  static accessLost(): MeetingError {
    return new MeetingError("access_lost", "You were taken out of the meeting because you no longer have access to this document.", false);
  }

  /** LiveKit could not be reached from this browser (or from the server). */
  static livekitUnreachable(detail?: string): MeetingError {
    return new MeetingError(
      "livekit_unreachable",
      detail ?? "The meeting server (LiveKit) could not be reached. Check your connection and try again; if it keeps failing, LiveKit may be down.",
      true,
    );
  }

  /** Why getting a token failed, from the server's answer. */
  static fromTokenRequest(err: unknown): MeetingError {
    if (!(err instanceof ApiRequestError)) return new MeetingError("unknown", "Something went wrong while joining. Try again.", true);
    if (err.isNetwork) return new MeetingError("server_unreachable", err.message, true);
    switch (err.id) {
      case MeetingErrors.notConfigured:
        return new MeetingError("not_configured", err.message, false);
      case MeetingErrors.unreachable:
        return MeetingError.livekitUnreachable(err.message);
      case MeetingErrors.ended:
        return MeetingError.ended();
    }
    if (err.status === 403 || err.status === 404) return new MeetingError("no_access", err.message, false);
    return new MeetingError("unknown", err.message, true);
  }

  /** Why `room.connect()` failed; undefined when it was cancelled by leaving. */
  static fromConnect(err: unknown): MeetingError | undefined {
    if (!(err instanceof ConnectionError)) return MeetingError.livekitUnreachable();
    switch (err.reason) {
      case ConnectionErrorReason.Cancelled:
        return undefined;
      case ConnectionErrorReason.LeaveRequest:
        return MeetingError.fromDisconnect(err.context as DisconnectReason) ?? MeetingError.ended();
      case ConnectionErrorReason.NotAllowed:
        return new MeetingError(
          "no_access",
          "LiveKit did not accept this meeting's pass. Try again; if it keeps happening, the server's LiveKit key and secret may not match LiveKit's.",
          true,
        );
      default:
        return MeetingError.livekitUnreachable();
    }
  }

  /** Why the room disconnected; undefined when the person left themselves. */
  static fromDisconnect(reason: DisconnectReason | undefined): MeetingError | undefined {
    switch (reason) {
      case DisconnectReason.CLIENT_INITIATED:
        return undefined;
      case DisconnectReason.PARTICIPANT_REMOVED:
        return MeetingError.removed();
      case DisconnectReason.ROOM_DELETED:
      case DisconnectReason.ROOM_CLOSED:
        return MeetingError.ended();
      case DisconnectReason.DUPLICATE_IDENTITY:
        return new MeetingError("duplicate", "You joined this meeting from another tab or device, so this page left it.", true);
      default:
        return new MeetingError("connection_lost", "The connection to the meeting was lost.", true);
    }
  }

  /** Why the camera or microphone could not be opened. */
  static fromMedia(err: unknown): MeetingError {
    switch (MediaDeviceFailure.getFailure(err)) {
      case MediaDeviceFailure.PermissionDenied:
        return new MeetingError(
          "media_denied",
          "Your browser blocked the camera and microphone for this site. Allow them (the icon in the address bar), then try again, or join without them.",
          true,
        );
      case MediaDeviceFailure.NotFound:
        return new MeetingError("media_missing", "No camera or microphone was found. You can still join and listen.", true);
      case MediaDeviceFailure.DeviceInUse:
        return new MeetingError("media_in_use", "Your camera or microphone is in use by another app. Close it and try again.", true);
      default:
        return new MeetingError("unknown", "The camera or microphone could not be started. Try again, or join without them.", true);
    }
  }
}

/**
 * The problem as shown now: a removal reads as "no longer have access" once the document says so
 * (the document's close and LiveKit's removal arrive on different sockets, in either order).
 */
export function explain(problem: MeetingError, docAccessLost: boolean): MeetingError {
  return problem.reason === "removed" && docAccessLost ? MeetingError.accessLost() : problem;
}
