import { MicOff, Signal, SignalLow, SignalZero } from "lucide-react";
import { ConnectionQuality, Track, type Participant } from "livekit-client";
import {
  isTrackReference,
  useConnectionQualityIndicator,
  useIsSpeaking,
  useParticipantAttributes,
  useTracks,
  VideoTrack,
  type TrackReferenceOrPlaceholder,
} from "@livekit/components-react";
import { Avatar } from "../../components/Avatar.tsx";
import { useMicOff } from "./useMicOff.ts";
import { assignColors } from "../../collab/presenceColors.ts";

/** A participant's own colour (the one their avatar has in the document when nobody clashes with it). */
export const colorFor = (identity: string) => assignColors([identity]).get(identity) ?? "#63676e";

/** "external · Globex" for a guest from another company, from the attributes the server put in their token. */
export function ExternalBadge({ participant }: { participant: Participant }) {
  const { attributes } = useParticipantAttributes({ participant });
  if (attributes?.external !== "true") return null;
  return <span className="badge external">external · {attributes.company || "another company"}</span>;
}

const QUALITY: Record<ConnectionQuality, { words: string; Icon: typeof Signal }> = {
  [ConnectionQuality.Excellent]: { words: "excellent", Icon: Signal },
  [ConnectionQuality.Good]: { words: "good", Icon: Signal },
  [ConnectionQuality.Poor]: { words: "poor", Icon: SignalLow },
  [ConnectionQuality.Lost]: { words: "lost", Icon: SignalZero },
  [ConnectionQuality.Unknown]: { words: "not measured yet", Icon: Signal },
};

/** A participant's connection quality as an icon with words for screen readers and the tooltip. */
export function QualityIndicator({ participant }: { participant: Participant }) {
  const { quality } = useConnectionQualityIndicator({ participant });
  const { words, Icon } = QUALITY[quality] ?? QUALITY[ConnectionQuality.Unknown];
  return (
    <span className={`quality quality-${quality}`} title={`Connection: ${words}`} role="img" aria-label={`Connection: ${words}`} data-testid="connection-quality">
      <Icon size={14} aria-hidden />
    </span>
  );
}

function Tile({ trackRef }: { trackRef: TrackReferenceOrPlaceholder }) {
  const p = trackRef.participant;
  const speaking = useIsSpeaking(p);
  const micMuted = useMicOff(p);
  const screen = trackRef.source === Track.Source.ScreenShare;
  const showVideo = isTrackReference(trackRef) && !trackRef.publication.isMuted && (p.isLocal || trackRef.publication.isSubscribed);
  const name = p.name || p.identity;
  return (
    <li className={`tile${speaking ? " speaking" : ""}${screen ? " screen" : ""}`} data-testid="tile" data-speaking={speaking || undefined} aria-label={`${name}${p.isLocal ? " (you)" : ""}${speaking ? ", speaking" : ""}`}>
      {showVideo ? <VideoTrack trackRef={trackRef} /> : <Avatar name={name} color={colorFor(p.identity)} size={56} />}
      <span className="tile-label">
        {micMuted && !screen && <MicOff size={13} aria-label="Microphone off" role="img" />}
        <span className="tile-name">
          {screen ? `${name}'s screen` : name}
          {p.isLocal && !screen ? " (you)" : ""}
        </span>
        {!screen && <QualityIndicator participant={p} />}
      </span>
    </li>
  );
}

/** Video tiles: one per person (their camera, or their avatar when it is off) and one per shared screen. */
export function Tiles() {
  const tracks = useTracks(
    [
      { source: Track.Source.Camera, withPlaceholder: true },
      { source: Track.Source.ScreenShare, withPlaceholder: false },
    ],
    { onlySubscribed: false },
  );
  return (
    <ul className={`tiles count-${Math.min(tracks.length, 4)}`} aria-label="People in the meeting">
      {tracks.map((t) => (
        <Tile key={`${t.participant.identity}:${t.source}`} trackRef={t} />
      ))}
    </ul>
  );
}
