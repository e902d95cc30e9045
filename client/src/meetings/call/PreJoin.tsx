import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Mic, MicOff, Video, VideoOff } from "lucide-react";
import { Track, type LocalAudioTrack, type LocalVideoTrack } from "livekit-client";
import { useMediaDevices, usePreviewTracks, useTrackVolume } from "@livekit/components-react";
import type { Me } from "@confer/shared";
import { Avatar } from "../../components/Avatar.tsx";
import { MeetingError } from "./errors.ts";

/** What the person chose before joining. */
export interface MediaChoices {
  audio: boolean;
  video: boolean;
  audioDeviceId: string | undefined;
  videoDeviceId: string | undefined;
}

/** A microphone level meter: a bar that follows the live volume of `track`. */
export function LevelMeter({ track }: { track: LocalAudioTrack | undefined }) {
  const volume = useTrackVolume(track);
  const level = Math.min(1, volume * 4);
  return (
    <div className="level-meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)} data-testid="level-meter">
      <span style={{ transform: `scaleX(${level})` }} />
    </div>
  );
}

/** A device picker for one kind of device (microphone, camera, speaker). */
export function DeviceSelect({ kind, label, value, onChange }: { kind: MediaDeviceKind; label: string; value: string | undefined; onChange(id: string): void }) {
  const devices = useMediaDevices({ kind });
  const id = `device-${kind}`;
  if (devices.length === 0) return null;
  return (
    <label className="device-select" htmlFor={id}>
      <span>{label}</span>
      <select id={id} className="input" value={value ?? devices[0]?.deviceId ?? ""} onChange={(e) => onChange(e.target.value)}>
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The step before joining, as LiveKit Meet and Google Meet have it: the camera preview (or the
 * person's avatar with the camera off), a microphone level meter, device choice and on/off toggles.
 */
export function PreJoin({ me, startedBy, onJoin, busy, recording }: { me: Me; startedBy: string; onJoin(choices: MediaChoices): void; busy: boolean; /** The recording switch (hosts) or notice (everyone else). */ recording?: ReactNode }) {
  const [choices, setChoices] = useState<MediaChoices>({ audio: true, video: true, audioDeviceId: undefined, videoDeviceId: undefined });
  const [problem, setProblem] = useState<MeetingError>();
  const [attempt, setAttempt] = useState(0);
  const onError = useCallback((err: Error) => setProblem(MeetingError.fromMedia(err)), []);
  const options = useMemo(
    () => ({
      audio: choices.audio ? (choices.audioDeviceId ? { deviceId: choices.audioDeviceId } : true) : false,
      video: choices.video ? (choices.videoDeviceId ? { deviceId: choices.videoDeviceId } : true) : false,
      // Changes with "Try again", so the same choices are asked for once more.
      attempt,
    }),
    [choices, attempt],
  );
  const tracks = usePreviewTracks(options, onError);
  const videoTrack = choices.video ? (tracks?.find((t) => t.kind === Track.Kind.Video) as LocalVideoTrack | undefined) : undefined;
  const audioTrack = choices.audio ? (tracks?.find((t) => t.kind === Track.Kind.Audio) as LocalAudioTrack | undefined) : undefined;
  const videoEl = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const el = videoEl.current;
    if (!el || !videoTrack) return;
    videoTrack.attach(el);
    return () => void videoTrack.detach(el);
  }, [videoTrack]);

  const set = (patch: Partial<MediaChoices>) => {
    setProblem(undefined);
    setChoices((c) => ({ ...c, ...patch }));
  };

  return (
    <div className="prejoin" data-testid="prejoin">
      <p className="prejoin-intro">
        Meeting started by <strong>{startedBy}</strong>. Check how you look and sound, then join.
      </p>
      {recording}
      <div className="prejoin-preview">
        {videoTrack ? <video ref={videoEl} muted playsInline aria-label="Your camera preview" data-testid="camera-preview" /> : <Avatar name={me.name} color={me.color} size={72} />}
        {!choices.video && <span className="prejoin-off">Camera is off</span>}
      </div>
      <div className="prejoin-toggles">
        <button type="button" className={`button small${choices.audio ? "" : " off"}`} aria-pressed={choices.audio} onClick={() => set({ audio: !choices.audio })}>
          {choices.audio ? <Mic size={15} aria-hidden /> : <MicOff size={15} aria-hidden />}
          {choices.audio ? "Microphone on" : "Microphone off"}
        </button>
        <button type="button" className={`button small${choices.video ? "" : " off"}`} aria-pressed={choices.video} onClick={() => set({ video: !choices.video })}>
          {choices.video ? <Video size={15} aria-hidden /> : <VideoOff size={15} aria-hidden />}
          {choices.video ? "Camera on" : "Camera off"}
        </button>
      </div>
      {choices.audio && <LevelMeter track={audioTrack} />}
      <DeviceSelect kind="audioinput" label="Microphone" value={choices.audioDeviceId} onChange={(id) => set({ audioDeviceId: id })} />
      <DeviceSelect kind="videoinput" label="Camera" value={choices.videoDeviceId} onChange={(id) => set({ videoDeviceId: id })} />
      {problem && (
        <div className="form-error" role="alert">
          {problem.message}{" "}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setProblem(undefined);
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </div>
      )}
      <div className="prejoin-actions">
        <button type="button" className="button primary block" disabled={busy} onClick={() => onJoin(choices)}>
          {busy ? "Joining…" : "Join now"}
        </button>
        {problem && (
          <button type="button" className="button ghost small" disabled={busy} onClick={() => onJoin({ ...choices, audio: false, video: false })}>
            Join without camera and microphone
          </button>
        )}
      </div>
    </div>
  );
}
