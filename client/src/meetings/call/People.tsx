import { useState } from "react";
import { Crown, MicOff } from "lucide-react";
import type { Participant } from "livekit-client";
import { useParticipants } from "@livekit/components-react";
import { messageOf, muteParticipant, removeParticipant } from "../../api/index.ts";
import { ExternalBadge, QualityIndicator } from "./Tiles.tsx";
import { useMicOff } from "./useMicOff.ts";

interface PeopleProps {
  meetingId: string;
  /** Who started the meeting (shown as host). */
  startedById: string;
  /** Whether this person hosts the meeting: they may mute and remove others (the server checks again). */
  isHost: boolean;
}

function Person({ p, meetingId, startedById, isHost, onError }: PeopleProps & { p: Participant; onError(message: string | undefined): void }) {
  const micMuted = useMicOff(p);
  const [busy, setBusy] = useState(false);
  const name = p.name || p.identity;
  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    onError(undefined);
    try {
      await what();
    } catch (err) {
      onError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="person" data-testid="participant" data-identity={p.identity}>
      <span className="person-name">
        {name}
        {p.isLocal && <span className="muted"> (you)</span>}
      </span>
      {p.identity === startedById && (
        <span className="badge host" title="Started this meeting">
          <Crown size={11} aria-hidden /> host
        </span>
      )}
      <ExternalBadge participant={p} />
      {micMuted && <MicOff size={14} className="muted" role="img" aria-label="Microphone off" />}
      <QualityIndicator participant={p} />
      {isHost && !p.isLocal && (
        <span className="person-actions">
          <button type="button" className="button ghost small" disabled={busy || micMuted} aria-label={`Mute ${name}`} onClick={() => void act(() => muteParticipant(meetingId, p.identity))}>
            Mute
          </button>
          <button type="button" className="button ghost small danger-text" disabled={busy} aria-label={`Remove ${name} from the meeting`} onClick={() => void act(() => removeParticipant(meetingId, p.identity))}>
            Remove
          </button>
        </span>
      )}
    </li>
  );
}

/** Everyone in the meeting, with "external · <company>" badges, and (for hosts) mute and remove. */
export function People(props: PeopleProps) {
  const participants = useParticipants();
  const [error, setError] = useState<string>();
  return (
    <section className="meeting-people" aria-labelledby="meeting-people-title">
      <h3 id="meeting-people-title">
        People <span className="muted">{participants.length}</span>
      </h3>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ul className="people-list">
        {participants.map((p) => (
          <Person key={p.identity} p={p} {...props} onError={setError} />
        ))}
      </ul>
    </section>
  );
}
