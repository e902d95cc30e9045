import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { EditorView } from "prosemirror-view";
import { MeetingErrors, type Role } from "@confer/shared";
import { ApiRequestError, getMinutes, listMeetings, messageOf, retryMinutes, setRecording, startMeeting } from "../api/index.ts";
import type { CollabSession } from "../collab/useCollab.ts";
import { hasMeetingCard, insertMeetingCard } from "../editor/meetingCard.ts";
import { CardHub, type PlayRequest } from "./CardHub.ts";
import { INITIAL_MEETINGS, liveMeeting, meetingsReducer, type KnownMeeting, type MeetingsState } from "./meetingsState.ts";
import { partsAfter } from "./minutesState.ts";

/** What the document page needs for meetings: state, the start/join action, and the panel. */
export interface DocMeetings {
  state: MeetingsState;
  /** The node views' window on the state (same object for the page's life). */
  hub: CardHub;
  /** The document's live meeting, if any. */
  live: KnownMeeting | undefined;
  /** Whether this person may start a meeting (owners and editors; the server decides again). */
  canStart: boolean;
  /** The meeting the side panel is open for. */
  panelFor: KnownMeeting | undefined;
  /** A start that is on its way to the server. */
  starting: boolean;
  /** Why the last start did not work, in words (cleared by `clearProblem` or the next start). */
  problem: string | undefined;
  /** The words that say meetings are off here and which settings are missing; undefined when they work. */
  notConfigured: string | undefined;
  /** Starts a meeting at the cursor, or joins the live one. Returns false when nothing was done. */
  start(): boolean;
  /** Opens the pre-join step for a live meeting. */
  join(meetingId: string): void;
  closePanel(): void;
  clearProblem(): void;
  /** The panel says whether this page is in the meeting now (cards then say so). */
  setJoined(meetingId: string | undefined): void;
  joined: string | undefined;
  /** Turns "Record and take minutes" on or off (hosts); rejects with the server's reason. */
  setRecording(meetingId: string, on: boolean): Promise<void>;
  /** The recording the page's player plays, if any (a new object each time someone presses play). */
  playing: PlayRequest | undefined;
  stopPlaying(): void;
  /** Why the last "Try again" of some minutes did not work. */
  minutesProblem: string | undefined;
}

/** Words for meetings being off on this server. */
export function notConfiguredText(missing: string[]): string {
  return `Meetings are not set up on this server. An administrator needs to set ${missing.join(", ")} (see the README's Meetings section).`;
}

/**
 * The meetings of the open document: the server's list (read at open, after every reconnect and
 * when a meeting ends) plus the live notices on the sync socket, in one reducer; starting and
 * joining; which meeting the panel is open for.
 */
export function useDocMeetings(docId: string, meId: string, session: CollabSession | undefined, connected: boolean, role: Role | undefined, view: EditorView | undefined): DocMeetings {
  const [state, dispatch] = useReducer(meetingsReducer, INITIAL_MEETINGS);
  const [panelId, setPanelId] = useState<string>();
  const [joined, setJoined] = useState<string>();
  const [starting, setStarting] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [listAsk, setListAsk] = useState(0);
  const [hub] = useState(() => new CardHub());
  const [playing, setPlaying] = useState<PlayRequest>();
  const [minutesProblem, setMinutesProblem] = useState<string>();
  // Meetings whose minutes were asked for since the last (re)connect: one request each.
  const minutesAsked = useRef(new Set<string>());

  // The list: at open, after each reconnect (notices sent meanwhile were missed), and when asked.
  useEffect(() => {
    if (!connected) return;
    let cancelled = false;
    listMeetings(docId).then(
      (list) => !cancelled && dispatch({ type: "listed", list }),
      (err: unknown) => !cancelled && dispatch({ type: "listFailed", message: messageOf(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [docId, connected, listAsk]);

  const readMinutes = useCallback((meetingId: string) => {
    if (minutesAsked.current.has(meetingId)) return;
    minutesAsked.current.add(meetingId);
    getMinutes(meetingId).then(
      (view) => dispatch({ type: "minutesRead", meetingId, view }),
      // The card stays as it is; the next reconnect or notice asks again.
      () => minutesAsked.current.delete(meetingId),
    );
  }, []);
  const readAgain = useCallback(
    (meetingId: string) => {
      minutesAsked.current.delete(meetingId);
      readMinutes(meetingId);
    },
    [readMinutes],
  );
  // Notices sent while the socket was down were missed: cards ask again after a reconnect.
  useEffect(() => {
    if (connected) minutesAsked.current.clear();
  }, [connected]);

  // Live notices; an ending one also asks for the list, which has the whole attendance, and for the
  // minutes; finished minutes are read once more for their recordings.
  useEffect(() => {
    if (!session) return;
    return session.onMeetingNotice((notice) => {
      if (notice.type === "minutes") {
        dispatch({ type: "minutesNotice", notice });
        if (notice.state === "done") readAgain(notice.meetingId);
        return;
      }
      dispatch({ type: "notice", notice });
      if (notice.state === "ended") {
        setListAsk((n) => n + 1);
        readAgain(notice.meetingId);
      }
    });
  }, [session, readAgain]);

  useEffect(() => hub.set(state, joined, panelId), [hub, state, joined, panelId]);
  useEffect(() => hub.setViewer({ userId: meId, owner: role === "owner" }), [hub, meId, role]);

  const live = liveMeeting(state);
  const canStart = role === "owner" || role === "editor";
  const notConfigured = state.missingSettings.length ? notConfiguredText(state.missingSettings) : undefined;

  const join = useCallback((meetingId: string) => {
    setProblem(undefined);
    setPanelId(meetingId);
  }, []);
  const retry = useCallback((meetingId: string) => {
    setMinutesProblem(undefined);
    retryMinutes(meetingId).then(
      (view) => dispatch({ type: "minutesRead", meetingId, view }),
      (err: unknown) => setMinutesProblem(`The minutes could not be tried again: ${messageOf(err)}`),
    );
  }, []);
  // A recording plays on into the same person's next parts, as far as the page knows them.
  const play = useCallback((req: PlayRequest) => setPlaying({ ...req, then: req.then ?? partsAfter(hub.state.minutes[req.meetingId]?.recordings ?? [], req.file) }), [hub]);
  useEffect(() => hub.setActions({ join, readMinutes, retryMinutes: retry, play }), [hub, join, readMinutes, retry, play]);

  const start = (): boolean => {
    if (live) {
      join(live.id);
      return true;
    }
    if (!canStart) return false;
    if (notConfigured) {
      setProblem(notConfigured);
      return true;
    }
    if (starting) return true;
    setStarting(true);
    setProblem(undefined);
    startMeeting(docId).then(
      ({ meeting, created }) => {
        setStarting(false);
        // A new meeting shows at once; the server's notice (and then the people joining) follow.
        if (created || !state.meetings[meeting.id]) dispatch({ type: "notice", notice: { type: "meeting", meetingId: meeting.id, state: meeting.state, startedAt: meeting.startedAt, endedAt: null, startedBy: meeting.startedBy, participants: [] } });
        if (created && view && !view.isDestroyed && view.editable && !hasMeetingCard(view.state.doc, meeting.id)) {
          insertMeetingCard(meeting.id)(view.state, view.dispatch);
        }
        setPanelId(meeting.id);
      },
      (err: unknown) => {
        setStarting(false);
        if (err instanceof ApiRequestError && err.id === MeetingErrors.notConfigured) setListAsk((n) => n + 1);
        setProblem(messageOf(err));
      },
    );
    return true;
  };

  return {
    state,
    hub,
    live,
    canStart,
    panelFor: panelId ? state.meetings[panelId] : undefined,
    starting,
    problem,
    notConfigured,
    start,
    join,
    closePanel: () => {
      setPanelId(undefined);
      setJoined(undefined);
    },
    clearProblem: () => setProblem(undefined),
    setJoined,
    joined,
    setRecording: async (meetingId, on) => {
      const now = await setRecording(meetingId, on);
      dispatch({ type: "recording", meetingId, on: now });
    },
    playing,
    stopPlaying: () => setPlaying(undefined),
    minutesProblem,
  };
}
