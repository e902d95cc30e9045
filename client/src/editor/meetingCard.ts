import type { Node as PMNode } from "prosemirror-model";
import { TextSelection, type Command } from "prosemirror-state";
import type { NodeView } from "prosemirror-view";
import { MEETING_CARD, schema } from "@confer/shared/schema";
import type { CardHub } from "../meetings/CardHub.ts";
import { cardText, cardView } from "../meetings/meetingsState.ts";
import { CardMinutes } from "./meetingCardMinutes.ts";

// The meeting card, as one module: the command that inserts it and the node view that shows it.
// Its spec (a block atom holding only the meeting id) is in shared/src/nodes/meetingCard.ts.

/**
 * Inserts a card for `meetingId` at the cursor (splitting the paragraph if the cursor is inside
 * one) and puts the cursor in the text after it, adding an empty paragraph when nothing follows,
 * so writing goes on below the card and never replaces it.
 */
export function insertMeetingCard(meetingId: string): Command {
  return (state, dispatch) => {
    const card = schema.nodes[MEETING_CARD].create({ meetingId });
    const { $from } = state.selection;
    if (!$from.parent.isTextblock && !$from.parent.type.contentMatch.matchType(card.type)) return false;
    if (!dispatch) return true;
    const tr = state.tr.replaceSelectionWith(card, false);
    let at = -1;
    tr.doc.descendants((node, pos) => {
      if (at >= 0) return false;
      if (node.type === card.type && node.attrs.meetingId === meetingId) at = pos;
      return !node.isAtom;
    });
    if (at < 0) return false;
    const after = at + card.nodeSize;
    if (!tr.doc.resolve(after).nodeAfter?.isTextblock) tr.insert(after, schema.nodes.paragraph.create());
    tr.setSelection(TextSelection.create(tr.doc, after + 1));
    dispatch(tr.scrollIntoView());
    return true;
  };
}

/** Whether the document already has a card for `meetingId`. */
export function hasMeetingCard(doc: PMNode, meetingId: string): boolean {
  let found = false;
  doc.descendants((node) => {
    if (found) return false;
    if (node.type.name === MEETING_CARD && node.attrs.meetingId === meetingId) found = true;
    return !node.isAtom;
  });
  return found;
}

/**
 * Shows a meeting card: its state as the server tells it (through `hub`), never anything from the
 * document but the id. Text is set with textContent only. Without a hub (a read-only rendering)
 * it says the card's state is not available here.
 */
export class MeetingCardView implements NodeView {
  readonly dom: HTMLDivElement;
  private readonly status: HTMLSpanElement;
  private readonly detail: HTMLSpanElement;
  private readonly join: HTMLButtonElement;
  private readonly recording: HTMLSpanElement;
  private readonly minutes: CardMinutes | undefined;
  private readonly stop: () => void;

  constructor(
    private node: PMNode,
    private readonly hub: CardHub | undefined,
  ) {
    this.dom = document.createElement("div");
    this.dom.className = "meeting-card";
    this.dom.contentEditable = "false";
    this.dom.dataset.testid = "meeting-card";
    const dot = document.createElement("span");
    dot.className = "meeting-card-dot";
    dot.setAttribute("aria-hidden", "true");
    const text = document.createElement("span");
    text.className = "meeting-card-text";
    this.status = document.createElement("span");
    this.status.className = "meeting-card-status";
    this.status.dataset.testid = "meeting-card-status";
    this.detail = document.createElement("span");
    this.detail.className = "meeting-card-detail";
    text.append(this.status, this.detail);
    this.join = document.createElement("button");
    this.join.type = "button";
    this.join.className = "button small primary meeting-card-join";
    this.join.textContent = "Join";
    this.join.addEventListener("mousedown", (e) => e.preventDefault());
    this.join.addEventListener("click", () => this.hub?.actions.join(String(this.node.attrs.meetingId)));
    // Said before anyone joins: a live meeting that is being recorded.
    this.recording = document.createElement("span");
    this.recording.className = "recording-badge";
    this.recording.dataset.testid = "meeting-card-recording";
    this.recording.textContent = "Recording";
    this.recording.title = "This meeting is being recorded, and minutes are taken";
    this.recording.hidden = true;
    this.minutes = hub ? new CardMinutes(hub) : undefined;
    this.dom.append(dot, text, this.recording, this.join);
    if (this.minutes) this.dom.append(this.minutes.dom);
    this.stop = hub ? hub.subscribe(() => this.render()) : () => undefined;
    this.render();
  }

  private render(): void {
    const id = String(this.node.attrs.meetingId);
    this.dom.dataset.meetingId = id;
    if (!this.hub) {
      this.dom.dataset.state = "unknown";
      this.status.textContent = "Meeting";
      this.detail.textContent = "";
      this.join.hidden = true;
      return;
    }
    const view = cardView(this.hub.state, id);
    const meeting = view.kind === "live" || view.kind === "ended" ? view.meeting : undefined;
    const joined = view.kind === "live" && this.hub.joined === id;
    const open = view.kind === "live" && this.hub.open === id;
    this.dom.dataset.state = view.kind;
    this.status.textContent = cardText(view);
    const started = meeting ? `Started by ${meeting.startedBy.name} · ${startTime(meeting.startedAt)}` : "";
    this.detail.textContent = joined ? "You are in this meeting" : open ? `${started} · open beside the text` : started;
    this.join.hidden = view.kind !== "live" || joined || open;
    const recorded = view.kind === "live" && view.meeting.recording;
    this.recording.hidden = !recorded;
    this.join.setAttribute("aria-label", `Join the meeting started by ${meeting?.startedBy.name ?? "someone"}${recorded ? " (it is being recorded)" : ""}`);
    this.minutes?.render(meeting);
  }

  update(node: PMNode): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.render();
    return true;
  }

  stopEvent(event: Event): boolean {
    return this.join.contains(event.target as Node) || !!this.minutes?.contains(event.target);
  }

  ignoreMutation(): boolean {
    return true;
  }

  destroy(): void {
    this.stop();
  }
}

/** "09:42" today, or "3 Dec, 09:42" another day, in the person's locale. */
function startTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time}`;
}
