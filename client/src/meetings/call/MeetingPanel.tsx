import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { X } from "lucide-react";
import { Room, RoomEvent, type DisconnectReason } from "livekit-client";
import { RoomContext } from "@livekit/components-react";
import { meetingToken } from "../../api/index.ts";
import type { MeetingPanelProps } from "../MeetingSide.tsx";
import { explain, MeetingError } from "./errors.ts";
import { InCall } from "./InCall.tsx";
import { PreJoin, type MediaChoices } from "./PreJoin.tsx";
import { RecordedNotice, RecordingSwitch } from "./Recording.tsx";
import "./call.css";

/** Where the panel is: choosing devices, joining, in the meeting, or out of it (and why). */
type Phase =
  | { name: "prejoin" }
  | { name: "joining" }
  /** In the meeting; `media` says why the camera or microphone chosen before joining did not start. */
  | { name: "in"; room: Room; media?: MeetingError }
  | { name: "out"; problem: MeetingError | undefined };

/**
 * The meeting panel: the pre-join step, then the meeting (livekit-client's Room under
 * @livekit/components-react's context), and words for every way out of it. Loaded lazily.
 */
export default function MeetingPanel({ meeting, me, isHost, docAccessLost, awareness, view, onClose, onJoinedChange, onSetRecording }: MeetingPanelProps) {
  const [phase, setPhase] = useState<Phase>({ name: "prejoin" });
  const panelRef = useRef<HTMLElement>(null);
  const roomRef = useRef<Room | undefined>(undefined);
  const mounted = useRef(true);
  const ended = meeting.state === "ended";

  useEffect(() => {
    mounted.current = true;
    panelRef.current?.focus();
    return () => {
      mounted.current = false;
      void roomRef.current?.disconnect();
    };
  }, []);

  const inMeeting = phase.name === "in";
  useEffect(() => onJoinedChange(inMeeting), [inMeeting, onJoinedChange]);

  const join = async (choices: MediaChoices) => {
    setPhase({ name: "joining" });
    let details;
    try {
      details = await meetingToken(meeting.id);
    } catch (err) {
      if (mounted.current) setPhase({ name: "out", problem: MeetingError.fromTokenRequest(err) });
      return;
    }
    const room = new Room({
      adaptiveStream: true,
      dynacast: true,
      audioCaptureDefaults: choices.audioDeviceId ? { deviceId: choices.audioDeviceId } : undefined,
      videoCaptureDefaults: choices.videoDeviceId ? { deviceId: choices.videoDeviceId } : undefined,
    });
    roomRef.current = room;
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (roomRef.current !== room || !mounted.current) return;
      roomRef.current = undefined;
      setPhase({ name: "out", problem: MeetingError.fromDisconnect(reason) });
    });
    try {
      await room.connect(details.url, details.token);
    } catch (err) {
      if (roomRef.current !== room || !mounted.current) return;
      roomRef.current = undefined;
      const problem = MeetingError.fromConnect(err);
      setPhase({ name: "out", problem });
      return;
    }
    if (!mounted.current || roomRef.current !== room) return;
    setPhase({ name: "in", room });
    // Media after the connection: a blocked camera must not keep anyone out of the meeting.
    const mediaFailed = (err: unknown) => {
      if (mounted.current) setPhase((p) => (p.name === "in" && p.room === room ? { ...p, media: MeetingError.fromMedia(err) } : p));
    };
    await room.localParticipant.setMicrophoneEnabled(choices.audio).catch(mediaFailed);
    await room.localParticipant.setCameraEnabled(choices.video).catch(mediaFailed);
  };

  const leave = () => void roomRef.current?.disconnect();
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape" && phase.name !== "in") {
      e.stopPropagation();
      onClose();
    }
  };

  let body;
  if (phase.name === "in") {
    body = (
      <RoomContext.Provider value={phase.room}>
        <InCall room={phase.room} media={phase.media} meeting={meeting} isHost={isHost} awareness={awareness} view={view} onLeave={leave} onSetRecording={onSetRecording} />
      </RoomContext.Provider>
    );
  } else if (phase.name === "out" || (ended && phase.name !== "joining")) {
    const problem = phase.name === "out" ? phase.problem : MeetingError.ended();
    const shown = problem && explain(ended && problem.reason === "connection_lost" ? MeetingError.ended() : problem, docAccessLost);
    const canRejoin = !ended && !docAccessLost && (!shown || shown.retry);
    body = (
      <div className="meeting-out" data-testid="meeting-out">
        <p role={shown ? "alert" : "status"} className={shown ? "meeting-out-problem" : undefined}>
          {shown ? shown.message : "You left the meeting."}
        </p>
        <div className="meeting-actions">
          {canRejoin && (
            <button type="button" className="button primary small" onClick={() => setPhase({ name: "prejoin" })}>
              {shown ? "Try again" : "Rejoin"}
            </button>
          )}
          <button type="button" className="button ghost small" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    );
  } else {
    body = (
      <PreJoin
        me={me}
        startedBy={meeting.startedBy.name}
        busy={phase.name === "joining"}
        onJoin={(c) => void join(c)}
        // Hosts choose it as they start; everyone else is told before they join.
        recording={isHost ? <RecordingSwitch on={meeting.recording} onChange={onSetRecording} /> : meeting.recording ? <RecordedNotice /> : undefined}
      />
    );
  }

  return (
    <aside ref={panelRef} id="meeting-panel" className="meeting-panel" aria-label="Meeting" tabIndex={-1} onKeyDown={onKeyDown} data-testid="meeting-panel">
      <div className="meeting-head">
        <h2>Meeting</h2>
        {phase.name !== "in" && (
          <button type="button" className="icon-button" aria-label="Close the meeting panel" title="Close (Esc)" onClick={onClose}>
            <X size={18} aria-hidden />
          </button>
        )}
      </div>
      {body}
    </aside>
  );
}
