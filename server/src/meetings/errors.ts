import { MeetingErrors } from "@confer/shared";
import { HttpError } from "../errors.ts";

/** Meetings are off: names the settings still missing. */
export const meetingsNotConfigured = (missing: string[]) =>
  new HttpError(
    503,
    MeetingErrors.notConfigured,
    `Meetings are not set up on this server. An administrator needs to set ${missing.join(", ")} (see the README's Meetings section).`,
  );

/** LiveKit did not answer, or answered with an error we cannot act on. */
export const livekitUnreachable = () =>
  new HttpError(502, MeetingErrors.unreachable, "The meeting server (LiveKit) could not be reached. Try again in a moment.");

/** The meeting is over: nobody joins it again. */
export const meetingEnded = () => new HttpError(409, MeetingErrors.ended, "This meeting has ended. Start a new one from the document.");

/** Only hosts end meetings and mute or remove people. */
export const notHost = () =>
  new HttpError(403, MeetingErrors.notHost, "Only the person who started this meeting and the document's owners can do that.");

/** The person named is not in the meeting right now. */
export const notInMeeting = () => new HttpError(404, "not_in_meeting", "That person is not in the meeting right now.");
