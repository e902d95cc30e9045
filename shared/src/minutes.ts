import { z } from "zod";

/**
 * Where a meeting's minutes are: nothing recorded ("none"), being recorded, transcribed, written
 * into the document, done, or failed (with a reason; hosts may try again).
 */
export const MINUTES_STATES = ["none", "recording", "transcribing", "writing", "done", "failed"] as const;
export const MinutesState = z.enum(MINUTES_STATES);
export type MinutesState = z.infer<typeof MinutesState>;

/** Body of `POST /api/meetings/:id/recording` (hosts): turn "Record and take minutes" on or off. */
export const RecordingToggle = z.object({ on: z.boolean() }).strict();
export type RecordingToggle = z.infer<typeof RecordingToggle>;

/** Who said something: the participant's user id and name. */
export const Speaker = z.object({ userId: z.string(), name: z.string() });
export type Speaker = z.infer<typeof Speaker>;

/**
 * One line of the transcript; `start`/`end` are seconds from the start of the meeting. `recording`
 * names the speaker's recording and where in it the line starts (seconds), to play it from there.
 */
export const TranscriptLine = z.object({
  speaker: Speaker,
  start: z.number(),
  end: z.number(),
  text: z.string(),
  recording: z.object({ file: z.string(), at: z.number() }).optional(),
});
export type TranscriptLine = z.infer<typeof TranscriptLine>;

/** An action item; `assignee` is an attendee (null rather than the wrong person), `due` as it was said. */
export const ActionItem = z.object({ assignee: Speaker.nullable(), text: z.string(), due: z.string().nullable() });
export type ActionItem = z.infer<typeof ActionItem>;

/** Answer of `GET /api/meetings/:id/minutes` (members). */
export const MinutesView = z.object({
  state: MinutesState,
  /** 0..1 within the current state. */
  progress: z.number(),
  /** Speakers transcribed so far and in all, once the transcription has started (as the notices count them). */
  speakersDone: z.number().optional(),
  speakersTotal: z.number().optional(),
  error: z.string().optional(),
  transcript: z.array(TranscriptLine).optional(),
  actionItems: z.array(ActionItem).optional(),
  decisions: z.array(z.string()).optional(),
  summary: z.string().optional(),
  /** Recordings of the meeting, one per speaker track: fetch from `/api/meetings/:id/recordings/:file`. */
  recordings: z.array(z.object({ file: z.string(), speaker: Speaker, startedAt: z.string() })).optional(),
});
export type MinutesView = z.infer<typeof MinutesView>;

/**
 * Side-channel notice of a meeting's minutes for the document's open pages, sent as they are
 * prepared: `label` is what the card says ("Transcribing · 2 of 3 speakers · 40%").
 */
export const MinutesNotice = z.object({
  type: z.literal("minutes"),
  meetingId: z.string(),
  state: MinutesState,
  progress: z.number(),
  speakersDone: z.number(),
  speakersTotal: z.number(),
  label: z.string(),
  error: z.string().optional(),
});
export type MinutesNotice = z.infer<typeof MinutesNotice>;

/** The words a minutes notice shows, from its numbers. */
export function minutesLabel(n: Pick<MinutesNotice, "state" | "progress" | "speakersDone" | "speakersTotal" | "error">): string {
  switch (n.state) {
    case "none":
      return "Not recorded";
    case "recording":
      return "Recording";
    case "transcribing": {
      const speakers = n.speakersTotal === 1 ? "1 speaker" : `${Math.min(n.speakersDone + 1, n.speakersTotal)} of ${n.speakersTotal} speakers`;
      return `Transcribing · ${speakers} · ${Math.round(n.progress * 100)}%`;
    }
    case "writing":
      return "Writing minutes";
    case "done":
      return "Minutes are in the document";
    case "failed":
      return `Minutes failed: ${n.error ?? "unknown error"}`;
  }
}

/** Name of the Y.Map in a document's Y.Doc that marks meetings whose minutes were written (meeting id → time). */
export const MINUTES_MAP = "minutes";

/** Error ids of the minutes routes. */
export const MinutesErrors = {
  notFailed: "minutes_not_failed",
} as const;

/** Body of `POST /api/docs/:id/meetings`: `record` starts the meeting with "Record and take minutes" on. */
export const StartMeetingRequest = z.object({ record: z.boolean().optional() }).strict();
export type StartMeetingRequest = z.infer<typeof StartMeetingRequest>;
