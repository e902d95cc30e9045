import type { CardHub } from "../meetings/CardHub.ts";
import type { KnownMeeting } from "../meetings/meetingsState.ts";
import { minutesLine, speakerRecordings, type RecordingRef } from "../meetings/minutesState.ts";

/**
 * The meeting card's minutes row: where the minutes are once the meeting has ended ("Transcribing ·
 * 2 of 3 speakers · 40%" with a progress bar, "Writing minutes", done), what failed with "Try again"
 * for hosts, and a play button per recording. Built with DOM calls and textContent only.
 */
export class CardMinutes {
  readonly dom: HTMLDivElement;
  private readonly text: HTMLSpanElement;
  private readonly bar: HTMLProgressElement;
  private readonly retry: HTMLButtonElement;
  private readonly plays: HTMLDivElement;
  private meetingId = "";
  /** The files the play buttons are for, so they are rebuilt only when the recordings change. */
  private playsFor = "";

  constructor(private readonly hub: CardHub) {
    this.dom = document.createElement("div");
    this.dom.className = "meeting-card-minutes";
    this.dom.dataset.testid = "meeting-card-minutes";
    this.text = document.createElement("span");
    this.text.className = "meeting-card-minutes-text";
    this.text.dataset.testid = "minutes-status";
    // Read out as it changes, politely: progress is not urgent.
    this.text.setAttribute("role", "status");
    this.bar = document.createElement("progress");
    this.bar.className = "meeting-card-progress";
    this.bar.max = 100;
    this.bar.setAttribute("aria-label", "Minutes progress");
    this.retry = document.createElement("button");
    this.retry.type = "button";
    this.retry.className = "button small meeting-card-retry";
    this.retry.textContent = "Try again";
    this.retry.addEventListener("mousedown", (e) => e.preventDefault());
    this.retry.addEventListener("click", () => {
      this.retry.disabled = true;
      this.hub.actions.retryMinutes(this.meetingId);
    });
    this.plays = document.createElement("div");
    this.plays.className = "meeting-card-plays";
    this.plays.setAttribute("role", "group");
    this.plays.setAttribute("aria-label", "Recordings");
    this.dom.append(this.text, this.bar, this.retry, this.plays);
  }

  /** Whether `target` is one of this row's buttons (the editor leaves their events alone). */
  contains(target: EventTarget | null): boolean {
    return target instanceof Node && (this.retry.contains(target) || this.plays.contains(target));
  }

  /** Shows the minutes of `meeting` (an ended one; a live one shows nothing here). */
  render(meeting: KnownMeeting | undefined): void {
    if (!meeting || meeting.state !== "ended") {
      this.dom.hidden = true;
      return;
    }
    this.meetingId = meeting.id;
    const known = this.hub.state.minutes[meeting.id];
    if (!known) this.hub.actions.readMinutes(meeting.id);
    const line = minutesLine(known, { meetingEnded: true, isHost: this.hub.isHost(meeting) });
    this.dom.hidden = line.kind === "none" && !known?.recordings.length;
    this.dom.dataset.state = line.kind;
    this.text.textContent = line.kind === "none" ? "" : line.text;
    this.bar.hidden = line.kind !== "working";
    if (line.kind === "working" && line.percent !== undefined) {
      this.bar.value = line.percent;
      this.bar.setAttribute("aria-valuetext", line.text);
    } else {
      // No value: an indeterminate bar (writing, or waiting for the recordings).
      this.bar.removeAttribute("value");
      this.bar.removeAttribute("aria-valuetext");
    }
    this.retry.hidden = !(line.kind === "failed" && line.canRetry);
    if (line.kind === "failed") this.retry.disabled = false;
    this.retry.setAttribute("aria-label", "Try the minutes again");
    this.renderPlays(meeting, known?.recordings ?? []);
  }

  private renderPlays(meeting: KnownMeeting, recordings: RecordingRef[]): void {
    const key = recordings.map((r) => r.file).join("\n");
    if (key === this.playsFor) return;
    this.playsFor = key;
    this.plays.replaceChildren();
    this.plays.hidden = recordings.length === 0;
    // One button per person: a long meeting records each microphone in parts, played one after the other.
    for (const r of speakerRecordings(recordings)) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button small ghost meeting-card-play";
      b.textContent = `▶ ${r.speaker}`;
      b.setAttribute("aria-label", `Play ${r.speaker}'s recording`);
      b.addEventListener("mousedown", (e) => e.preventDefault());
      b.addEventListener("click", () => this.hub.actions.play({ meetingId: meeting.id, file: r.files[0]!, then: r.files.slice(1), at: 0, label: `${r.speaker} · recording` }));
      this.plays.append(b);
    }
  }
}
