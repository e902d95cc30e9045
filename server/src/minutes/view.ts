import path from "node:path";
import { MinutesView, minutesLabel, type MinutesNotice, type MinutesState } from "@confer/shared";
import type { MeetingRow } from "../store/meetings.ts";
import type { MinutesRow, RecordingRow } from "../store/recordings.ts";
import { nsToMs } from "./extract/transcript.ts";

/** The recording's file name as stored and served (a request never names a path, only this). */
export const recordingFile = (filepath: string) => path.basename(filepath);

/** What `GET /api/meetings/:id/minutes` answers, from the stored state. */
export function minutesView(meeting: MeetingRow, row: MinutesRow | undefined, recs: RecordingRow[], names: Map<string, string>): MinutesView {
  const recordings = recs
    .filter((r) => r.state === "complete")
    .map((r) => ({
      file: recordingFile(r.filepath),
      speaker: { userId: r.userId, name: names.get(r.userId) ?? "Someone" },
      startedAt: new Date(nsToMs(r.startedAtNs) ?? Date.parse(meeting.startedAt)).toISOString(),
    }));
  let state: MinutesState = row?.state ?? "none";
  // Recorded (or being recorded), minutes not started yet: they come once the meeting has ended.
  if (!row && ((meeting.state === "live" && meeting.recording) || recs.length > 0)) state = "recording";
  const view: MinutesView = { state, progress: row?.progress ?? 0 };
  if (row) Object.assign(view, { speakersDone: row.speakersDone, speakersTotal: row.speakersTotal });
  if (row?.error) view.error = row.error;
  if (recordings.length) view.recordings = recordings;
  if (row?.state === "done" && row.result) Object.assign(view, JSON.parse(row.result));
  return MinutesView.parse(view);
}

/** How many people the recordings are of (a person's recording may be several parts, or several tracks). */
export function speakersOf(recs: Pick<RecordingRow, "userId">[]): number {
  return new Set(recs.map((r) => r.userId)).size;
}

/** The recordings person by person (in the order each was first recorded), each person's in their order. */
export function byPerson(recs: RecordingRow[]): RecordingRow[] {
  const first = new Map<string, number>();
  recs.forEach((r, i) => first.has(r.userId) || first.set(r.userId, i));
  return recs.map((r, i) => ({ r, i })).sort((a, b) => first.get(a.r.userId)! - first.get(b.r.userId)! || a.i - b.i).map((x) => x.r);
}

/** A recording's length in seconds, once its egress ended. */
export function secondsOf(r: RecordingRow): number | undefined {
  const a = nsToMs(r.startedAtNs);
  const b = nsToMs(r.endedAtNs);
  return a !== undefined && b !== undefined ? (b - a) / 1000 : undefined;
}

/** The notice for a meeting's minutes. */
export function minutesNotice(meetingId: string, row: MinutesRow): MinutesNotice {
  const n = { state: row.state, progress: row.progress, speakersDone: row.speakersDone, speakersTotal: row.speakersTotal, error: row.error ?? undefined };
  return { type: "minutes", meetingId, ...n, label: minutesLabel(n) };
}
