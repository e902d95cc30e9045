import { INITIAL_MEETINGS, type KnownMeeting, type MeetingsState } from "./meetingsState.ts";

/** A recording to play: one speaker's file of a meeting, from `at` seconds. */
export interface PlayRequest {
  meetingId: string;
  file: string;
  at: number;
  /** What the player says it is playing, e.g. "Bob Baker · from 0:12". */
  label: string;
  /** Files that play on, from their start, once `file` ends: the same person's next parts (a long meeting records in parts). */
  then?: string[];
}

/** What a card's buttons (and the minutes' timestamps) may ask of the page. */
export interface CardActions {
  /** Opens the meeting panel's pre-join step for a live meeting. */
  join(meetingId: string): void;
  /** Asks the server where an ended meeting's minutes are (once per meeting is enough; notices follow). */
  readMinutes(meetingId: string): void;
  /** "Try again" for failed minutes (hosts). */
  retryMinutes(meetingId: string): void;
  /** Plays a recording in the page's player. */
  play(request: PlayRequest): void;
}

/** Who is looking at the cards: the host of a meeting gets "Try again" on failed minutes. */
export interface CardViewer {
  userId: string;
  /** Owners of the document host every meeting of it. */
  owner: boolean;
}

/**
 * The meetings state as ProseMirror node views read it: they live outside React's tree, so they
 * subscribe here, and the page pushes every new state in. One per document page.
 */
export class CardHub {
  private current: MeetingsState = INITIAL_MEETINGS;
  private readonly listeners = new Set<() => void>();
  /** The id of the meeting this page is in (its card says so instead of offering Join). */
  private joinedId: string | undefined;
  /** The id of the meeting the panel is open for (its card offers no Join: the panel is there). */
  private openId: string | undefined;

  private currentActions: CardActions = { join: () => undefined, readMinutes: () => undefined, retryMinutes: () => undefined, play: () => undefined };
  private viewer: CardViewer | undefined;

  /** Sets who is looking (the page's person and role). */
  setViewer(viewer: CardViewer | undefined): void {
    if (viewer?.userId === this.viewer?.userId && viewer?.owner === this.viewer?.owner) return;
    this.viewer = viewer;
    for (const l of this.listeners) l();
  }

  /** Whether the person looking hosts `meeting` (started it, or owns the document). */
  isHost(meeting: Pick<KnownMeeting, "startedBy">): boolean {
    return !!this.viewer && (this.viewer.owner || this.viewer.userId === meeting.startedBy.id);
  }

  /** What the cards' buttons do. */
  get actions(): CardActions {
    return this.currentActions;
  }

  /** Sets what the cards' buttons do (the page's handlers). */
  setActions(actions: CardActions): void {
    this.currentActions = actions;
  }

  /** The state now. */
  get state(): MeetingsState {
    return this.current;
  }

  /** The meeting this page has joined, if any. */
  get joined(): string | undefined {
    return this.joinedId;
  }

  /** The meeting the panel is open for, if any. */
  get open(): string | undefined {
    return this.openId;
  }

  /** Replaces the state (and the joined meeting, and the one the panel shows) and tells every card. */
  set(state: MeetingsState, joined: string | undefined, open: string | undefined = joined): void {
    if (state === this.current && joined === this.joinedId && open === this.openId) return;
    this.current = state;
    this.joinedId = joined;
    this.openId = open;
    for (const l of this.listeners) l();
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
