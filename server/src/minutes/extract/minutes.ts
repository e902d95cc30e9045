import type { ActionItem, TranscriptLine } from "@confer/shared";
import type { AttendanceRow } from "../../store/meetings.ts";
import { extractActions } from "./actions.ts";
import { extractDecisions } from "./decisions.ts";
import { attendeesOf, type Attendee } from "./people.ts";
import { offlineSummary } from "./summary.ts";
import { mergeTranscripts, type SpeakerTrack } from "./transcript.ts";

/** Everything the minutes say, before they are written as blocks. */
export interface Minutes {
  meetingId: string;
  startedAt: string;
  endedAt: string;
  /** Whole minutes, at least 1. */
  durationMinutes: number;
  attendees: Attendee[];
  summary: string;
  decisions: string[];
  actionItems: ActionItem[];
  transcript: TranscriptLine[];
}

/** What the minutes are made from. */
export interface MinutesInput {
  meeting: { id: string; startedAt: string; endedAt: string | null };
  stays: AttendanceRow[];
  tracks: SpeakerTrack[];
}

/** The summary, decisions and action items another writer (a model) produced, already checked. */
export type Extraction = Pick<Minutes, "summary" | "decisions" | "actionItems">;

/**
 * The minutes of a meeting, offline and deterministic: attendees from the attendance timeline,
 * the transcript merged across speakers by absolute time, decisions and action items from cue
 * phrases, an extractive summary. `extraction` (from a model) replaces the last three when given.
 */
export function buildMinutes(input: MinutesInput, extraction?: Extraction): Minutes {
  const startMs = Date.parse(input.meeting.startedAt);
  const endedAt = input.meeting.endedAt ?? new Date().toISOString();
  const durationMinutes = Math.max(1, Math.round((Date.parse(endedAt) - startMs) / 60_000));
  const attendees = attendeesOf(input.stays);
  const transcript = mergeTranscripts(input.tracks, startMs);
  const offline = offlineExtraction(transcript, attendees, durationMinutes);
  return { meetingId: input.meeting.id, startedAt: input.meeting.startedAt, endedAt, durationMinutes, attendees, transcript, ...(extraction ?? offline) };
}

/** Decisions, action items and summary by the offline rules. */
export function offlineExtraction(transcript: TranscriptLine[], attendees: Attendee[], durationMinutes: number): Extraction {
  const decisions = extractDecisions(transcript);
  const actionItems = extractActions(transcript, attendees);
  return { decisions, actionItems, summary: offlineSummary(transcript, attendees, durationMinutes, decisions, actionItems) };
}
