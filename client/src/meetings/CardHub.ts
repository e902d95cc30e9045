import { INITIAL_MEETINGS, type MeetingsState } from "./meetingsState.ts";

/** What a card's Join button may ask of the page. */
export interface CardActions {
  /** Opens the meeting panel's pre-join step for a live meeting. */
  join(meetingId: string): void;
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

  private currentActions: CardActions = { join: () => undefined };

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
