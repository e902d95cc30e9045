import { X } from "lucide-react";
import type { Me } from "@confer/shared";
import { DocNotice } from "../components/DocNotice.tsx";
import type { DocMeetings } from "./useDocMeetings.ts";

/**
 * The notices above the text about meetings: "Alice started a meeting · Join" for everyone with
 * the document open while one is live (until they join or dismiss it), and why a start did not work.
 */
export function MeetingBanner({ meetings, me, dismissed, onDismiss }: { meetings: DocMeetings; me: Me; dismissed: string | undefined; onDismiss(id: string): void }) {
  const { live, panelFor, problem, minutesProblem } = meetings;
  const showLive = live && panelFor?.id !== live.id && dismissed !== live.id;
  return (
    <>
      {problem && (
        <DocNotice tone="warn">
          <span data-testid="meeting-problem">{problem}</span>{" "}
          {problem !== meetings.notConfigured && (
            <>
              <button type="button" className="link-button" onClick={() => meetings.start()}>
                Try again
              </button>
              {" · "}
            </>
          )}
          <button type="button" className="link-button" onClick={meetings.clearProblem}>
            Dismiss
          </button>
        </DocNotice>
      )}
      {minutesProblem && (
        <DocNotice tone="warn">
          <span role="alert">{minutesProblem}</span>
        </DocNotice>
      )}
      {showLive && (
        <DocNotice tone="info">
          <span className="meeting-banner" data-testid="meeting-banner">
            <span className="meeting-live-dot" aria-hidden />
            <span>{live.startedBy.id === me.id ? "You" : live.startedBy.name} started a meeting</span>
            {live.recording && (
              <>
                {" · "}
                <span className="recording-badge" data-testid="banner-recording">
                  Recording
                </span>
              </>
            )}
            {" · "}
            <button type="button" className="link-button" onClick={() => meetings.join(live.id)}>
              Join
            </button>
            <button type="button" className="icon-button meeting-banner-close" aria-label="Hide this notice" title="Hide" onClick={() => onDismiss(live.id)}>
              <X size={14} aria-hidden />
            </button>
          </span>
        </DocNotice>
      )}
    </>
  );
}
