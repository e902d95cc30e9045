import type { MeetingDetail, MeetingList, MeetingNotice, MeetingState, MinutesNotice, MinutesView } from "@confer/shared";
import { fromMinutesNotice, fromMinutesView, type KnownMinutes } from "./minutesState.ts";

/** Someone in a live meeting right now. */
export interface PresentPerson {
  userId: string;
  name: string;
  external: boolean;
}

/** What this page knows of one meeting, from the server only (the list and the live notices). */
export interface KnownMeeting {
  id: string;
  state: MeetingState;
  startedAt: string;
  endedAt: string | null;
  startedBy: { id: string; name: string };
  /** Who is in it now (empty once it ended). */
  present: PresentPerson[];
  /** Everyone who was ever in it, by user id: "5 people" once it ended. */
  attendeeIds: string[];
  /** Whether a live notice has been seen: from then on, notices (not the list) say who is in it. */
  noticed: boolean;
  /** Whether "Record and take minutes" is on (only while live): everyone in it and about to join is told. */
  recording: boolean;
}

/** The meetings of the open document, as the cards, the banner and the top bar show them. */
export interface MeetingsState {
  /** Whether the server's list has been read at least once: until then an unnamed card is "loading", not "unknown". */
  listed: boolean;
  /** Why the list could not be read, if the last try failed. */
  listError: string | undefined;
  /** Settings still missing before meetings work on this server (empty when they work). */
  missingSettings: string[];
  meetings: Readonly<Record<string, KnownMeeting>>;
  /** Each meeting's minutes, by meeting id, once a notice or `GET /minutes` said something. */
  minutes: Readonly<Record<string, KnownMinutes>>;
}

/** What changes the state: the list was read (or not), or a notice came over the sync socket. */
export type MeetingsAction =
  | { type: "listed"; list: MeetingList }
  | { type: "listFailed"; message: string }
  | { type: "notice"; notice: MeetingNotice }
  | { type: "minutesNotice"; notice: MinutesNotice }
  | { type: "minutesRead"; meetingId: string; view: MinutesView }
  /** This page turned recording on or off itself (the server's notice follows). */
  | { type: "recording"; meetingId: string; on: boolean };

/** Nothing known yet. */
export const INITIAL_MEETINGS: MeetingsState = { listed: false, listError: undefined, missingSettings: [], meetings: {}, minutes: {} };

const union = (a: string[], b: Iterable<string>) => [...new Set([...a, ...b])];

/** An ended meeting never comes back (shared/meetings.ts): whichever source says "ended" wins. */
const laterState = (a: MeetingState, b: MeetingState): MeetingState => (a === "ended" || b === "ended" ? "ended" : "live");

function fromDetail(d: MeetingDetail, known: KnownMeeting | undefined): KnownMeeting {
  const state = laterState(d.state, known?.state ?? d.state);
  const inNow = new Map<string, PresentPerson>();
  for (const a of d.attendees) if (a.leftAt === null) inNow.set(a.userId, { userId: a.userId, name: a.name, external: a.external });
  // Once notices flow they are fresher than a list that may have been read before them.
  const present = state === "ended" ? [] : known?.noticed ? known.present : [...inNow.values()];
  return {
    id: d.id,
    state,
    startedAt: d.startedAt,
    endedAt: d.endedAt ?? known?.endedAt ?? null,
    startedBy: d.startedBy,
    present,
    attendeeIds: union(known?.attendeeIds ?? [], d.attendees.map((a) => a.userId)),
    noticed: known?.noticed ?? false,
    recording: state === "live" && (known?.noticed ? known.recording : (d.recording ?? false)),
  };
}

function fromNotice(n: MeetingNotice, known: KnownMeeting | undefined): KnownMeeting {
  const state = laterState(n.state, known?.state ?? n.state);
  const present = state === "ended" ? [] : n.participants.map((p) => ({ userId: p.userId, name: p.name, external: p.external }));
  return {
    id: n.meetingId,
    state,
    startedAt: n.startedAt,
    endedAt: n.endedAt ?? known?.endedAt ?? null,
    startedBy: n.startedBy,
    present,
    attendeeIds: union(known?.attendeeIds ?? [], present.map((p) => p.userId)),
    noticed: true,
    recording: state === "live" && (n.recording ?? false),
  };
}

/** The one reducer for the document's meetings (pure: the cards, banner and button all read its state). */
export function meetingsReducer(state: MeetingsState, action: MeetingsAction): MeetingsState {
  switch (action.type) {
    case "listed": {
      const meetings = { ...state.meetings };
      for (const d of action.list.meetings) meetings[d.id] = fromDetail(d, meetings[d.id]);
      return { ...state, listed: true, listError: undefined, missingSettings: action.list.missingSettings ?? [], meetings };
    }
    case "listFailed":
      return { ...state, listError: action.message };
    case "notice": {
      const n = action.notice;
      return { ...state, meetings: { ...state.meetings, [n.meetingId]: fromNotice(n, state.meetings[n.meetingId]) } };
    }
    case "minutesNotice": {
      const n = action.notice;
      return { ...state, minutes: { ...state.minutes, [n.meetingId]: fromMinutesNotice(n, state.minutes[n.meetingId]) } };
    }
    case "minutesRead":
      return { ...state, minutes: { ...state.minutes, [action.meetingId]: fromMinutesView(action.view, state.minutes[action.meetingId]) } };
    case "recording": {
      const m = state.meetings[action.meetingId];
      if (!m || m.state !== "live") return state;
      return { ...state, meetings: { ...state.meetings, [m.id]: { ...m, recording: action.on } } };
    }
  }
}

/** The document's live meeting, if there is one (the server keeps at most one). */
export function liveMeeting(state: MeetingsState): KnownMeeting | undefined {
  return Object.values(state.meetings)
    .filter((m) => m.state === "live")
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

/** What one meeting card shows. */
export type CardView =
  | { kind: "loading" }
  | { kind: "unknown" }
  | { kind: "error"; message: string }
  | { kind: "live"; meeting: KnownMeeting; people: number }
  | { kind: "ended"; meeting: KnownMeeting; people: number; minutes: number };

/** What the card of `meetingId` shows, from the server's state only. */
export function cardView(state: MeetingsState, meetingId: string): CardView {
  const m = state.meetings[meetingId];
  if (!m) {
    if (state.listed) return { kind: "unknown" };
    return state.listError ? { kind: "error", message: state.listError } : { kind: "loading" };
  }
  if (m.state === "live") return { kind: "live", meeting: m, people: m.present.length };
  const ms = Date.parse(m.endedAt ?? m.startedAt) - Date.parse(m.startedAt);
  return { kind: "ended", meeting: m, people: m.attendeeIds.length, minutes: Math.max(0, Math.round(ms / 60_000)) };
}

/** "1 person", "3 people". */
export const peopleText = (n: number) => (n === 1 ? "1 person" : `${n} people`);

/** "under a minute", "42 min", "1 h 5 min". */
export function durationText(minutes: number): string {
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The card's status line in words, e.g. "Live · 3 people" or "Ended · 42 min · 5 people". */
export function cardText(view: CardView): string {
  switch (view.kind) {
    case "loading":
      return "Meeting · checking with the server…";
    case "unknown":
      return "This meeting is not known to this server";
    case "error":
      return `Meeting · ${view.message}`;
    case "live":
      return `Live · ${view.people ? peopleText(view.people) : "nobody has joined yet"}`;
    case "ended":
      return `Ended · ${durationText(view.minutes)} · ${view.people ? peopleText(view.people) : "nobody joined"}`;
  }
}
