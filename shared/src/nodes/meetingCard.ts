import type { DOMOutputSpec, NodeSpec } from "prosemirror-model";

/** Name of the meeting card's node type. */
export const MEETING_CARD = "meeting_card";

/** What a meeting id may look like in a card: the server's ids (see server/src/store/ids.ts), nothing else. */
export const MEETING_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `value` can be a meeting id (ProseMirror calls this for every card it creates). */
function validateMeetingId(value: unknown): void {
  if (typeof value !== "string" || !MEETING_ID_PATTERN.test(value)) throw new RangeError("a meeting card needs a meeting id");
}

/**
 * The meeting card: a block that holds only the id of a meeting started from this document. It is
 * an atom (nothing inside is editable); what it shows (live, who is in it, ended) comes from the
 * server, never from the document, so an editor cannot fake it. The minutes writer (issue 9) finds
 * it by this id. Pasted cards keep their id; a card whose meeting the server does not know says so.
 */
export const meetingCardSpec = {
  attrs: { meetingId: { validate: validateMeetingId } },
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,
  parseDOM: [
    {
      tag: "div[data-meeting-id]",
      getAttrs: (dom) => {
        const id = (dom as HTMLElement).getAttribute("data-meeting-id");
        return id && MEETING_ID_PATTERN.test(id) ? { meetingId: id } : false;
      },
    },
  ],
  // What is copied to the clipboard and what a renderer without the node view shows.
  toDOM: (node): DOMOutputSpec => ["div", { "data-meeting-id": String(node.attrs.meetingId), class: "meeting-card" }, "Meeting"],
} satisfies NodeSpec;
