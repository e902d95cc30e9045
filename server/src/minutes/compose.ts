import type { Logger } from "../logger.ts";
import type { AttendanceRow, MeetingRow } from "../store/meetings.ts";
import type { RecordingRow, Segment } from "../store/recordings.ts";
import { buildMinutes, type Minutes } from "./extract/minutes.ts";
import { nsToMs, type SpeakerTrack } from "./extract/transcript.ts";
import { llmExtraction, type LlmSettings } from "./llm.ts";
import { meetingHeading, minutesBlocks, type PMNode } from "./document/blocks.ts";
import { recordingFile, secondsOf } from "./view.ts";

/** What a meeting left to make its minutes from. */
export interface MeetingRecord {
  meeting: MeetingRow;
  /** Who was in the meeting, and when. */
  stays: AttendanceRow[];
  /** Its complete recordings, one per microphone part, with their transcripts by egress id. */
  recordings: RecordingRow[];
  transcripts: Map<string, Segment[]>;
  /** Speakers' names by user id (those not found read "Someone"). */
  names: Map<string, string>;
}

/** How minutes are written: the page links, the language model (if any), a note for a missing transcript. */
export interface ComposeOptions {
  publicUrl: string | undefined;
  llm: LlmSettings | undefined;
  transcriptNote: string | undefined;
  log: Logger;
}

/**
 * Makes a meeting's minutes and the blocks that carry them into the document: attendees, transcript
 * with speakers, summary, decisions and action items (from the language model when one is set and
 * answers, else from the transcript alone), and the recordings.
 */
export async function composeMinutes(record: MeetingRecord, opts: ComposeOptions): Promise<{ minutes: Minutes; blocks: PMNode[]; heading: string }> {
  const { meeting, stays, recordings, transcripts, names } = record;
  const tracks: SpeakerTrack[] = recordings.map((r) => ({
    speaker: { userId: r.userId, name: names.get(r.userId) ?? "Someone" },
    startedAtMs: nsToMs(r.startedAtNs) ?? Date.parse(meeting.startedAt),
    endedAtMs: nsToMs(r.endedAtNs),
    segments: transcripts.get(r.egressId) ?? [],
    file: recordingFile(r.filepath),
    chain: r.trackSid,
  }));
  const input = { meeting, stays, tracks };
  let minutes = buildMinutes(input);
  if (opts.llm && minutes.transcript.length) {
    const extraction = await llmExtraction(opts.llm, minutes.transcript, minutes.attendees, opts.log);
    if (extraction) minutes = buildMinutes(input, extraction);
  }
  const blocks = minutesBlocks(minutes, {
    publicUrl: opts.publicUrl,
    recordings: tracks.map((t, i) => ({ file: t.file!, speaker: t.speaker.name, speakerId: t.speaker.userId, startedAt: new Date(t.startedAtMs).toISOString(), seconds: secondsOf(recordings[i]!) })),
    transcriptNote: opts.transcriptNote,
  });
  return { minutes, blocks, heading: meetingHeading(minutes, meeting.startedBy.name) };
}
