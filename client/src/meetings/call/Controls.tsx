import { useState, type ReactNode } from "react";
import { Mic, MicOff, MonitorUp, MonitorX, PhoneOff, Presentation, Settings, Video, VideoOff } from "lucide-react";
import { Track } from "livekit-client";
import { useMediaDeviceSelect, useTrackToggle } from "@livekit/components-react";
import { MeetingError } from "./errors.ts";

type ToggleSource = Track.Source.Microphone | Track.Source.Camera | Track.Source.ScreenShare;

const TOGGLES: Record<ToggleSource, { on: string; off: string; OnIcon: typeof Mic; OffIcon: typeof Mic }> = {
  [Track.Source.Microphone]: { on: "Mute microphone", off: "Unmute microphone", OnIcon: Mic, OffIcon: MicOff },
  [Track.Source.Camera]: { on: "Turn camera off", off: "Turn camera on", OnIcon: Video, OffIcon: VideoOff },
  [Track.Source.ScreenShare]: { on: "Stop sharing your screen", off: "Share your screen", OnIcon: MonitorX, OffIcon: MonitorUp },
};

/** One media toggle (microphone, camera, screen), its state in its label and `aria-pressed`. */
function MediaToggle({ source, onError }: { source: ToggleSource; onError(err: MeetingError): void }) {
  const { toggle, enabled, pending } = useTrackToggle({ source, onDeviceError: (err) => onError(MeetingError.fromMedia(err)) });
  const t = TOGGLES[source];
  const label = enabled ? t.on : t.off;
  const Icon = enabled ? t.OnIcon : t.OffIcon;
  return (
    <button
      type="button"
      className={`call-button${enabled ? "" : " off"}`}
      aria-pressed={source === Track.Source.Microphone || source === Track.Source.Camera ? enabled : undefined}
      aria-label={label}
      title={label}
      disabled={pending}
      onClick={() => void Promise.resolve(toggle()).catch((err: unknown) => onError(MeetingError.fromMedia(err)))}
    >
      <Icon size={18} aria-hidden />
    </button>
  );
}

/** A device picker bound to the room: switching applies to the live track at once. */
function RoomDeviceSelect({ kind, label }: { kind: MediaDeviceKind; label: string }) {
  const { devices, activeDeviceId, setActiveMediaDevice } = useMediaDeviceSelect({ kind });
  if (devices.length === 0) return null;
  const id = `room-device-${kind}`;
  return (
    <label className="device-select" htmlFor={id}>
      <span>{label}</span>
      <select id={id} className="input" value={activeDeviceId} onChange={(e) => void setActiveMediaDevice(e.target.value)}>
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

interface ControlsProps {
  presenting: boolean;
  onPresent(): void;
  onLeave(): void;
  onMediaError(err: MeetingError): void;
  /** For hosts: the "End for everyone" control (it confirms first). */
  endControl?: ReactNode;
}

/** The meeting's controls: microphone, camera, screen, devices, present, leave (and end, for hosts). */
export function Controls({ presenting, onPresent, onLeave, onMediaError, endControl }: ControlsProps) {
  const [devicesOpen, setDevicesOpen] = useState(false);
  return (
    <div className="call-controls">
      <div className="call-buttons" role="toolbar" aria-label="Meeting controls">
        <MediaToggle source={Track.Source.Microphone} onError={onMediaError} />
        <MediaToggle source={Track.Source.Camera} onError={onMediaError} />
        <MediaToggle source={Track.Source.ScreenShare} onError={onMediaError} />
        <button type="button" className="call-button" aria-expanded={devicesOpen} aria-controls="meeting-devices" aria-label="Choose devices" title="Choose devices" onClick={() => setDevicesOpen((o) => !o)}>
          <Settings size={18} aria-hidden />
        </button>
        <button type="button" className={`call-button${presenting ? " active" : ""}`} aria-pressed={presenting} aria-label={presenting ? "Stop presenting" : "Present the document"} title={presenting ? "Stop presenting" : "Present: the others follow your view of the document"} onClick={onPresent}>
          <Presentation size={18} aria-hidden />
        </button>
        <button type="button" className="call-button leave" aria-label="Leave the meeting" title="Leave the meeting" onClick={onLeave}>
          <PhoneOff size={18} aria-hidden />
        </button>
      </div>
      {devicesOpen && (
        <div id="meeting-devices" className="meeting-devices">
          <RoomDeviceSelect kind="audioinput" label="Microphone" />
          <RoomDeviceSelect kind="videoinput" label="Camera" />
          <RoomDeviceSelect kind="audiooutput" label="Speaker" />
        </div>
      )}
      {endControl}
    </div>
  );
}
