import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { ConnectionState, RoomEvent, Track, type Participant, type Room, type TrackPublication } from "livekit-client";
import { RoomAudioRenderer, StartAudio, useConnectionState, useParticipants } from "@livekit/components-react";
import type { Awareness } from "y-protocols/awareness";
import type { EditorView } from "prosemirror-view";
import { endMeeting, messageOf } from "../../api/index.ts";
import { peopleText, type KnownMeeting } from "../meetingsState.ts";
import { Controls } from "./Controls.tsx";
import type { MeetingError } from "./errors.ts";
import { People } from "./People.tsx";
import { usePresenting } from "./present.ts";
import { Tiles } from "./Tiles.tsx";
import { RecordingIndicator, RecordingSwitch } from "./Recording.tsx";

/** How long a reconnection may take before the panel says it is reconnecting. */
const RECONNECT_NOTICE_AFTER_MS = 1500;

/** How long after pressing the microphone button a mute counts as the person's own. */
const OWN_TOGGLE_MS = 2000;

interface InCallProps {
  room: Room;
  /** Why the camera or microphone chosen before joining did not start, if it did not. */
  media?: MeetingError;
  meeting: KnownMeeting;
  isHost: boolean;
  awareness: Awareness | undefined;
  view: EditorView | undefined;
  onLeave(): void;
  onSetRecording(on: boolean): Promise<void>;
}

/** "End for everyone", with a confirmation step (hosts only; the server ends it through LiveKit). */
function EndForEveryone({ meetingId }: { meetingId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const end = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await endMeeting(meetingId);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <div className="end-meeting">
      {confirming ? (
        <div className="end-confirm" role="group" aria-label="End the meeting">
          <span>End the meeting for everyone?</span>
          <button type="button" className="button danger small" disabled={busy} onClick={() => void end()}>
            {busy ? "Ending…" : "End for everyone"}
          </button>
          <button type="button" className="button ghost small" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="button ghost small danger-text" onClick={() => setConfirming(true)}>
          End meeting for everyone
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The bar at the bottom of the page while someone presents: following them, or an offer to. */
function FollowBar({ present }: { present: ReturnType<typeof usePresenting> }) {
  let body;
  if (present.presenting) {
    body = (
      <>
        <span>You are presenting: the others follow your view of the document</span> ·{" "}
        <button type="button" className="link-button" onClick={present.togglePresent}>
          Stop presenting
        </button>
      </>
    );
  } else if (present.presenter && present.following) {
    body = (
      <>
        <span>Following {present.presenter.name}</span> ·{" "}
        <button type="button" className="link-button" onClick={present.stopFollowing}>
          Stop
        </button>
      </>
    );
  } else if (present.presenter) {
    body = (
      <>
        <span>{present.presenter.name} is presenting</span> ·{" "}
        <button type="button" className="link-button" onClick={present.follow}>
          Follow
        </button>
      </>
    );
  } else return null;
  return createPortal(
    <div className="follow-bar" role="status" data-testid="follow-bar">
      {body}
    </div>,
    document.body,
  );
}

/** The meeting while this page is in it: tiles, controls, people, presenting. Inside RoomContext. */
export function InCall({ room, media, meeting, isHost, awareness, view, onLeave, onSetRecording }: InCallProps) {
  const connection = useConnectionState(room);
  const participants = useParticipants();
  const present = usePresenting(awareness, view, meeting.id);
  const [notice, setNotice] = useState<string>();
  // A media failure reported by the panel is shown once, like any other notice.
  const [seenMedia, setSeenMedia] = useState<MeetingError>();
  if (media !== seenMedia) {
    setSeenMedia(media);
    if (media) setNotice(media.message);
  }
  const lastOwnToggle = useRef(0);

  // A host muting this person arrives as a mute of the local microphone that they did not ask for.
  useEffect(() => {
    const onMuted = (pub: TrackPublication, who: Participant) => {
      if (who.isLocal && pub.source === Track.Source.Microphone && Date.now() - lastOwnToggle.current > OWN_TOGGLE_MS) setNotice("A host muted your microphone. Unmute it when you want to speak.");
    };
    room.on(RoomEvent.TrackMuted, onMuted);
    return () => void room.off(RoomEvent.TrackMuted, onMuted);
  }, [room]);

  const reconnecting = connection === ConnectionState.Reconnecting || connection === ConnectionState.SignalReconnecting;
  // LiveKit resumes a dropped connection within a moment most of the time: say so only if it takes longer.
  const [slowReconnect, setSlowReconnect] = useState(false);
  useEffect(() => {
    if (!reconnecting) return;
    const timer = setTimeout(() => setSlowReconnect(true), RECONNECT_NOTICE_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setSlowReconnect(false);
    };
  }, [reconnecting]);
  return (
    <div className="in-call" data-testid="in-call">
      <p className="call-status">
        <span className="meeting-live-dot" aria-hidden /> Live · {peopleText(participants.length)}
        {meeting.recording && <RecordingIndicator />}
      </p>
      {isHost && <RecordingSwitch on={meeting.recording} onChange={onSetRecording} />}
      {reconnecting && slowReconnect && (
        <p className="call-banner warn" role="status">
          Reconnecting to the meeting… Your camera and microphone come back when the connection does.
        </p>
      )}
      {notice && (
        <p className="call-banner" role="status">
          {notice}{" "}
          <button type="button" className="link-button" onClick={() => setNotice(undefined)}>
            OK
          </button>
        </p>
      )}
      <Tiles />
      <div onClickCapture={() => (lastOwnToggle.current = Date.now())}>
        <Controls
          presenting={present.presenting}
          onPresent={present.togglePresent}
          onLeave={onLeave}
          onMediaError={(err) => setNotice(err.message)}
          endControl={isHost ? <EndForEveryone meetingId={meeting.id} /> : undefined}
        />
      </div>
      <People meetingId={meeting.id} startedById={meeting.startedBy.id} isHost={isHost} />
      <RoomAudioRenderer />
      <StartAudio label="Allow the meeting's sound" className="button small" />
      <FollowBar present={present} />
    </div>
  );
}
