import * as Y from "yjs";
import { BODY_FRAGMENT } from "@confer/shared/schema";

/** The text of a document's body, blocks separated by new lines (what biases transcription). */
export function bodyText(doc: Y.Doc): string {
  return plainText(doc.getXmlFragment(BODY_FRAGMENT));
}

/** The text of a fragment or element, blocks separated by new lines. */
function plainText(node: Y.XmlFragment | Y.XmlElement): string {
  return node
    .toArray()
    .map((c) => (c instanceof Y.XmlText ? c.toDelta().map((d: { insert: unknown }) => (typeof d.insert === "string" ? d.insert : "")).join("") : c instanceof Y.XmlElement ? plainText(c) + "\n" : ""))
    .join("");
}
