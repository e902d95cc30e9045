import { useEffect, useRef, useState } from "react";
import { X } from "lucide-react";
import { recordingPath } from "../api/index.ts";
import type { PlayRequest } from "./CardHub.ts";

/**
 * The page's recording player: a bar under the text with the browser's own audio controls, playing
 * one speaker's recording of a meeting from a moment (a transcript timestamp, or a card's play
 * button). The server answers range requests, so seeking fetches only what is needed.
 */
export function RecordingPlayer({ request, onClose }: { request: PlayRequest; onClose(): void }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [problem, setProblem] = useState<string>();
  const [seen, setSeen] = useState(request);
  if (seen !== request) {
    setSeen(request);
    setProblem(undefined);
  }

  // Each press of a timestamp is a new request: load the file if it is another, go to the moment, play.
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    const src = recordingPath(request.meetingId, request.file);
    if (el.getAttribute("src") !== src) el.src = src;
    const go = () => {
      el.currentTime = request.at;
      el.play().catch((err: unknown) => {
        // A newer request interrupting this one is no problem.
        if (err instanceof DOMException && err.name === "AbortError") return;
        setProblem("The recording could not be played here. Press play to try again.");
      });
    };
    if (el.readyState >= HTMLMediaElement.HAVE_METADATA) {
      go();
      return;
    }
    el.addEventListener("loadedmetadata", go, { once: true });
    return () => el.removeEventListener("loadedmetadata", go);
  }, [request]);

  return (
    <section className="recording-player" aria-label="Recording player" data-testid="recording-player">
      <span className="recording-player-label" role="status">
        {problem ?? `Playing ${request.label}`}
      </span>
      <audio
        ref={audio}
        controls
        preload="metadata"
        aria-label={`Recording: ${request.label}`}
        data-testid="recording-audio"
        onError={() => setProblem("The recording could not be loaded. You may no longer have access to it.")}
      />
      <button type="button" className="icon-button" aria-label="Close the recording player" title="Close" onClick={onClose}>
        <X size={16} aria-hidden />
      </button>
    </section>
  );
}
