import type { Logger } from "../logger.ts";
import type { MeetingRow } from "../store/meetings.ts";
import type { RecordingStore } from "../store/recordings.ts";
import type { Recorder } from "./Recorder.ts";

/** How long a recording and its next part both record (once the next one is active), so no word falls between them. */
export const PART_OVERLAP_MS = 2000;
/** A rotation taken on this long ago whose next part never came (its process died) is taken on again. */
const ROTATION_STALE_MS = 60_000;

/** What a rotation pass needs. */
export interface RotationDeps {
  recorder: Recorder;
  recordings: RecordingStore;
  findMeeting(id: string): Promise<MeetingRow | undefined>;
  /** RECORDING_CHUNK_SECONDS */
  chunkSeconds: number;
  log: Logger;
}

/**
 * One pass of cutting the recordings of live meetings into parts (RECORDING_CHUNK_SECONDS each),
 * so that each part is transcribed while the meeting goes on: a recording that long gets its next
 * part, and one whose next part has been recording for PART_OVERLAP_MS is stopped (its
 * `egress_ended` queues its transcription). Every process runs it; the database rows decide which
 * one starts a part (RecordingStore.claimRotation), and stopping twice changes nothing.
 */
export async function rotateParts(deps: RotationDeps): Promise<void> {
  const { recorder, recordings, findMeeting, log } = deps;
  const nowMs = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const staleBefore = iso(nowMs - ROTATION_STALE_MS);
  try {
    for (const rec of await recordings.dueForRotation(iso(nowMs - deps.chunkSeconds * 1000), staleBefore)) {
      const meeting = await findMeeting(rec.meetingId);
      if (meeting?.state !== "live" || !meeting.recording) continue;
      if (!(await recorder.rotate(meeting, rec, staleBefore))) continue;
      // Recording switched off (or the meeting ended) while the part started: it stops too.
      const fresh = await findMeeting(rec.meetingId);
      if (fresh?.state !== "live" || !fresh.recording) await recorder.stopAll(rec.meetingId);
    }
    await recorder.endOverlaps(iso(nowMs - PART_OVERLAP_MS));
  } catch (err) {
    log.warn({ err }, "rotating recordings failed");
  }
}
