import type { Mark, Node as PMNode } from "prosemirror-model";
import type { EditorView } from "prosemirror-view";
import { TaskItemView } from "./taskItemView.ts";
import { MeetingCardView } from "./meetingCard.ts";
import { DetailsView } from "./detailsView.ts";
import { linkView, recordingLinkEvents } from "./recordingLinks.ts";
import type { CardHub } from "../meetings/CardHub.ts";

/** The editor's own renderings of blocks and marks, the same for the editable and the read-only view. */
export function editorViews(meetingCards?: CardHub) {
  return {
    nodeViews: {
      task_item: (node: PMNode, view: EditorView, getPos: () => number | undefined) => new TaskItemView(node, view, getPos),
      meeting_card: (node: PMNode) => new MeetingCardView(node, meetingCards),
      details: (node: PMNode, view: EditorView) => new DetailsView(node, view),
    },
    markViews: { link: (mark: Mark, _view: EditorView, inline: boolean) => linkView(mark, inline) },
    /** DOM event handlers both views need (recording links are pressed, not edited). */
    handleDOMEvents: recordingLinkEvents,
  };
}
