import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MediaStreamTrack } from "werift";
import type { TrackAudio } from "../EgressService.ts";
import { OggOpusWriter } from "./OggOpusWriter.ts";

/**
 * Records the Opus RTP a browser sends on each audio track to an Ogg file in a temporary
 * directory, as the audio the double's Track Egress writes out for that track. The recording's
 * start is the arrival of its first packet.
 */
export class TrackRecorder {
  private dir: string | undefined;
  private readonly open = new Set<() => void>();

  /** Starts recording a track; returns what the egress reads. */
  record(trackSid: string, track: MediaStreamTrack): TrackAudio | undefined {
    if (track.kind !== "audio") return undefined;
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "lk-double-media-"));
    const writer = new OggOpusWriter(path.join(this.dir, `${trackSid}.ogg`));
    const audio: TrackAudio = { file: writer.path, seconds: () => writer.seconds };
    const sub = track.onReceiveRtp.subscribe((rtp) => {
      audio.startedAtMs ??= Date.now();
      writer.push(rtp);
    });
    const close = () => {
      sub.unSubscribe();
      writer.close();
      this.open.delete(close);
    };
    audio.close = close;
    this.open.add(close);
    return audio;
  }

  /** Stops every recording and removes the files. */
  clear(): void {
    for (const close of [...this.open]) close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
