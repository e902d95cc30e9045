import { z } from "zod";

/** A meeting is live until its host ends it or LiveKit closes its room; it never comes back. */
export const MEETING_STATES = ["live", "ended"] as const;
export const MeetingState = z.enum(MEETING_STATES);
export type MeetingState = z.infer<typeof MeetingState>;

const PersonRef = z.object({ id: z.string(), name: z.string() });

/** Answer of `POST /api/docs/:id/meetings`: 201 for a new meeting, 200 with the one already live. */
export const MeetingStarted = z.object({
  id: z.string(),
  docId: z.string(),
  state: MeetingState,
  startedAt: z.string(),
  startedBy: PersonRef,
});
export type MeetingStarted = z.infer<typeof MeetingStarted>;

/** One stay of one person in a meeting (someone who rejoins has several). */
export const Attendee = z.object({
  userId: z.string(),
  name: z.string(),
  company: z.string(),
  external: z.boolean(),
  joinedAt: z.string(),
  /** Null while they are still in the meeting. */
  leftAt: z.string().nullable(),
});
export type Attendee = z.infer<typeof Attendee>;

/** A meeting with its attendance timeline, as `GET /api/docs/:id/meetings` lists it. */
export const MeetingDetail = z.object({
  id: z.string(),
  state: MeetingState,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  startedBy: PersonRef,
  attendees: z.array(Attendee),
  /** Whether "Record and take minutes" is on. */
  recording: z.boolean().optional(),
});
export type MeetingDetail = z.infer<typeof MeetingDetail>;

/**
 * Meetings of a document, newest first. `missingSettings` is there only when meetings are off on
 * this server: the settings an administrator still has to set, so the page can name them up front.
 */
export const MeetingList = z.object({ meetings: z.array(MeetingDetail), missingSettings: z.array(z.string()).optional() });
export type MeetingList = z.infer<typeof MeetingList>;

/** What a page needs to join a meeting with livekit-client: `room.connect(url, token)`. */
export const MeetingToken = z.object({ url: z.string(), token: z.string() });
export type MeetingToken = z.infer<typeof MeetingToken>;

/** Someone currently in a live meeting, as the meeting card shows them. */
export const MeetingParticipant = z.object({ userId: z.string(), name: z.string(), external: z.boolean() });

/**
 * Side-channel notice of a meeting's server state for the document's open pages (the card never
 * reads it from the document). Sent when a meeting starts, when people join or leave, and when it ends.
 */
export const MeetingNotice = z.object({
  type: z.literal("meeting"),
  meetingId: z.string(),
  state: MeetingState,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  startedBy: PersonRef,
  participants: z.array(MeetingParticipant),
  /** True while the meeting is being recorded (everyone sees it; people about to join are told). */
  recording: z.boolean().optional(),
});
export type MeetingNotice = z.infer<typeof MeetingNotice>;

/** Error ids of the meeting routes, for pages that explain them. */
export const MeetingErrors = {
  notConfigured: "meetings_not_configured",
  unreachable: "livekit_unreachable",
  ended: "meeting_ended",
  notHost: "not_host",
} as const;
