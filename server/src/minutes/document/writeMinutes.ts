import * as Y from "yjs";
import { BODY_FRAGMENT, schema } from "@confer/shared/schema";
import { MINUTES_MAP } from "@confer/shared";
import type { PMNode } from "./blocks.ts";

/**
 * The meeting card as the document holds it: a block node named `meeting_card` whose one attribute
 * `meetingId` names the meeting (the card module lives with the editor; only this name is shared).
 */
export const MEETING_CARD = { node: "meeting_card", attr: "meetingId" } as const;

/**
 * A ProseMirror node as y-prosemirror stores it: an element named after the node type with its
 * non-null attributes, text runs as Y.XmlText with each mark as a formatting attribute (its attrs).
 */
export function toYType(node: PMNode): Y.XmlElement {
  const el = new Y.XmlElement(node.type.name);
  for (const [key, value] of Object.entries(node.attrs)) if (value !== null) el.setAttribute(key, value as string);
  const children: (Y.XmlElement | Y.XmlText)[] = [];
  let run: PMNode[] = [];
  const flush = () => {
    if (!run.length) return;
    const t = new Y.XmlText();
    t.applyDelta(run.map((n) => ({ insert: n.text!, attributes: Object.fromEntries(n.marks.map((mk) => [mk.type.name, mk.attrs])) })));
    children.push(t);
    run = [];
  };
  node.forEach((child) => {
    if (child.isText) run.push(child);
    else {
      flush();
      children.push(toYType(child));
    }
  });
  flush();
  if (children.length) el.insert(0, children);
  return el;
}

/** Where the card of `meetingId` is: its parent and index, searching nested blocks too. */
export function findCard(parent: Y.XmlFragment | Y.XmlElement, meetingId: string): { parent: Y.XmlFragment | Y.XmlElement; index: number } | undefined {
  const children = parent.toArray();
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (!(c instanceof Y.XmlElement)) continue;
    if (c.nodeName === MEETING_CARD.node && c.getAttribute(MEETING_CARD.attr) === meetingId) return { parent, index: i };
    const inner = findCard(c, meetingId);
    if (inner) return inner;
  }
  return undefined;
}

/** Whether the minutes of `meetingId` were written into this document already. */
export function minutesWritten(doc: Y.Doc, meetingId: string): boolean {
  return doc.getMap(MINUTES_MAP).has(meetingId);
}

/**
 * Writes the minutes into a document, once: right after the meeting's card, or (the card was
 * deleted) at the end under `fallbackHeading`. Nothing else is touched. The mark in the document's
 * minutes map is set in the same change, so the blocks and the mark are stored together or not at
 * all: a retry, a replayed webhook or a restart finds the mark and writes nothing. Call inside a
 * transaction. Returns false when the minutes were there already.
 */
export function writeMinutes(doc: Y.Doc, meetingId: string, blocks: PMNode[], fallbackHeading: string): boolean {
  if (minutesWritten(doc, meetingId)) return false;
  const body = doc.getXmlFragment(BODY_FRAGMENT);
  const card = findCard(body, meetingId);
  if (card) {
    card.parent.insert(card.index + 1, blocks.map(toYType));
  } else {
    const heading = schema.nodeFromJSON({ type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: fallbackHeading }] });
    body.insert(body.length, [heading, ...blocks].map(toYType));
  }
  doc.getMap(MINUTES_MAP).set(meetingId, new Date().toISOString());
  return true;
}
