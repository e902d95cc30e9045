import { canMeeting, type MeetingFacts } from "./meeting.ts";
import type { DocumentAccess } from "./document.ts";

/** What one can do with a meeting's recording and minutes. */
export type MinutesAction =
  /** turn "Record and take minutes" on or off */
  | "record"
  /** read the minutes' state and result */
  | "view"
  /** play (download, seek in) a recording */
  | "play"
  /** start failed minutes over ("Try again") */
  | "retry";

/** Every minutes action, for the policy test. */
export const MINUTES_ACTIONS: MinutesAction[] = ["record", "view", "play", "retry"];

/**
 * The single answer to "may this person do this with a meeting's recording and minutes?". Members
 * of the document (guests and viewers included) read the minutes and play the recordings, as the
 * minutes are in the document they can read; only the meeting's hosts record and try again.
 */
export function canMinutes(access: DocumentAccess, action: MinutesAction, meeting: MeetingFacts): boolean {
  if (!canMeeting(access, "view", meeting)) return false;
  switch (action) {
    case "view":
    case "play":
      return true;
    case "record":
    case "retry":
      return canMeeting(access, "host", meeting);
  }
}
