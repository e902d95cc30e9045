import { useCallback, useSyncExternalStore } from "react";
import { ParticipantEvent, Track, type Participant } from "livekit-client";

const EVENTS = [
  ParticipantEvent.TrackMuted,
  ParticipantEvent.TrackUnmuted,
  ParticipantEvent.TrackPublished,
  ParticipantEvent.TrackUnpublished,
  ParticipantEvent.LocalTrackPublished,
  ParticipantEvent.LocalTrackUnpublished,
] as const;

/**
 * Whether someone's microphone is off, as LiveKit's room state says (no microphone published, or
 * published muted). Unlike `useIsMuted` it does not depend on this page receiving their audio, so a
 * host sees the same state LiveKit acts on when they press Mute.
 */
export function useMicOff(participant: Participant): boolean {
  const subscribe = useCallback(
    (changed: () => void) => {
      for (const e of EVENTS) participant.on(e, changed);
      return () => {
        for (const e of EVENTS) participant.off(e, changed);
      };
    },
    [participant],
  );
  return useSyncExternalStore(subscribe, () => {
    const pub = participant.getTrackPublication(Track.Source.Microphone);
    return !pub || pub.isMuted;
  });
}
