import { useEffect, useRef, useState } from "react";
import { X } from "lucide-react";
import { recordingPath } from "../api/index.ts";
import type { PlayRequest } from "./CardHub.ts";

/**
 * The page's recording player: a bar under the text with the browser's own audio controls, playing
 * one speaker's recording of a meeting from a moment (a transcript timestamp, or a card's play
 * button), and on into their next parts when a long meeting recorded them in parts. The server
 * answers range requests, so seeking fetches only what is needed.
 */
export function RecordingPlayer({ request, onClose }: { request: PlayRequest; onClose(): void }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [problem, setProblem] = useState<string>();
  const [seen, setSeen] = useState(request);
  // Which of the request's files plays: 0 is `request.file`, then `request.then` in order.
  const [part, setPart] = useState(0);
  if (seen !== request) {
    setSeen(request);
    setProblem(undefined);
    setPart(0);
  }
  const files = [request.file, ...(request.then ?? [])];
  const file = files[Math.min(part, files.length - 1)]!;
  const at = part === 0 ? request.at : 0;

  // Each press of a timestamp is a new request: load the file if it is another, go to the moment, play.
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    const src = recordingPath(request.meetingId, file);
    if (el.getAttribute("src") !== src) el.src = src;
    const go = () => {
      el.currentTime = at;
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
  }, [request, file, at]);

  return (
    <section className="recording-player" aria-label="Recording player" data-testid="recording-player">
      <span className="recording-player-label" role="status">
        {problem ?? `Playing ${request.label}${files.length > 1 ? ` · part ${part + 1} of ${files.length}` : ""}`}
      </span>
      <audio
        ref={audio}
        controls
        preload="metadata"
        aria-label={`Recording: ${request.label}`}
        data-testid="recording-audio"
        onError={() => setProblem("The recording could not be loaded. You may no longer have access to it.")}
        onEnded={() => setPart((p) => (p + 1 < files.length ? p + 1 : p))}
      />
      <button type="button" className="icon-button" aria-label="Close the recording player" title="Close" onClick={onClose}>
        <X size={16} aria-hidden />
      </button>
    </section>
  );
}
