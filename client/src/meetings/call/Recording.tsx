import { useState } from "react";
import { messageOf } from "../../api/index.ts";

/**
 * "Record and take minutes" for hosts: a switch (`role="switch"`), on at once for everyone in the
 * meeting (the server starts a recording per microphone). Says so in words if the server refused.
 */
export function RecordingSwitch({ on, onChange }: { on: boolean; onChange(on: boolean): Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const flip = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onChange(!on);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="recording-switch">
      <button type="button" role="switch" aria-checked={on} aria-describedby="recording-switch-hint" className={`switch${on ? " on" : ""}`} disabled={busy} onClick={() => void flip()} data-testid="recording-switch">
        <span className="switch-track" aria-hidden>
          <span className="switch-thumb" />
        </span>
        <span>Record and take minutes</span>
      </button>
      <span id="recording-switch-hint" className="muted small">
        {on ? "Everyone in the meeting sees that it is recorded. Minutes go into the document when it ends." : "Minutes with a transcript are written into the document when the meeting ends."}
      </span>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The recording indicator everyone in a recorded meeting sees: a red dot and "Recording". */
export function RecordingIndicator() {
  return (
    <span className="recording-badge" role="status" title="This meeting is being recorded, and minutes are taken" data-testid="recording-indicator">
      Recording
    </span>
  );
}

/** Told before joining: the meeting is recorded, and what happens with the recording. */
export function RecordedNotice() {
  return (
    <p className="recorded-notice" data-testid="recorded-notice">
      <span className="recording-badge">Recording</span> This meeting is being recorded. When it ends, a transcript and minutes are written into this document, and its members can play the recording.
    </p>
  );
}
