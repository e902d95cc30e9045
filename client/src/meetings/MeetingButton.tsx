import { Video } from "lucide-react";
import { ariaKeys, formatKeys, KEYS } from "../editor/shortcuts.ts";
import type { DocMeetings } from "./useDocMeetings.ts";

/**
 * The top bar's meeting button: "Start meeting" for owners and editors, "Join meeting" for everyone
 * while one is live, "In meeting" once this page has joined it. When meetings are off on this server it stays, greyed, its description names
 * the missing settings, and pressing it says so (a disabled button could not be focused or explain itself).
 */
export function MeetingButton({ meetings, panelOpen }: { meetings: DocMeetings; panelOpen: boolean }) {
  const { live, canStart, notConfigured, starting, joined } = meetings;
  if (!live && !canStart) return null;
  // Once this page is in the live meeting the button says so, rather than offering to join it again.
  const label = live && joined === live.id ? "In meeting" : live ? "Join meeting" : "Start meeting";
  const off = !live && !!notConfigured;
  const title = off ? notConfigured : `${label} (${formatKeys(KEYS.meeting)})`;
  return (
    <>
      <button
        type="button"
        className={`button small meeting-button${live ? " live" : ""}${off ? " off" : ""}`}
        aria-disabled={starting || undefined}
        aria-keyshortcuts={ariaKeys(KEYS.meeting)}
        aria-describedby={off ? "meetings-off-hint" : undefined}
        title={title}
        data-testid="meeting-button"
        onClick={() => {
          // With the panel open for the live meeting there is nothing more to start.
          if (!(panelOpen && live)) meetings.start();
        }}
      >
        <Video size={15} aria-hidden />
        <span className="meeting-label">{starting ? "Starting…" : label}</span>
      </button>
      {off && (
        <span id="meetings-off-hint" className="sr-only">
          {notConfigured}
        </span>
      )}
    </>
  );
}
