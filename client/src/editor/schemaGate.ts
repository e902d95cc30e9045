import * as Y from "yjs";
import { META_MAP, SCHEMA_VERSION, SCHEMA_VERSION_KEY } from "@confer/shared";
import { schema } from "@confer/shared/schema";

/** The schema version `ydoc` was last written with (1 when the document does not say). */
export function docSchemaVersion(ydoc: Y.Doc): number {
  const value = ydoc.getMap(META_MAP).get(SCHEMA_VERSION_KEY);
  return typeof value === "number" && Number.isFinite(value) ? value : 1;
}

const knownNode = (name: string) => name in schema.nodes;
// y-prosemirror stores marks as text formatting keys, `name` or `name--<hash>` for overlapping ones.
const knownMark = (key: string) => (/(.*)(--[a-zA-Z0-9+/=]{8})$/.exec(key)?.[1] ?? key) in schema.marks;

/** Whether one Yjs item holds a block or a mark this version of the schema does not have. */
function isUnknownItem(item: Y.Item): boolean {
  const content = item.content;
  if (content instanceof Y.ContentType) return content.type instanceof Y.XmlElement && !knownNode(content.type.nodeName);
  if (content instanceof Y.ContentFormat) return !knownMark(content.key);
  return false;
}

/** Whether the body holds any block or mark this version of the schema does not have (a full walk). */
export function hasUnknownContent(body: Y.XmlFragment | Y.XmlElement): boolean {
  for (const child of body.toArray()) {
    if (child instanceof Y.XmlElement) {
      if (!knownNode(child.nodeName) || hasUnknownContent(child)) return true;
    } else if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as { attributes?: Record<string, unknown> }[]) {
        if (Object.keys(op.attributes ?? {}).some((key) => !knownMark(key))) return true;
      }
    }
  }
  return false;
}

/** Whether `transaction` inserted a block or a mark this version does not know (only its new items are read). */
function insertedUnknown(transaction: Y.Transaction): boolean {
  const store = transaction.doc.store;
  let found = false;
  transaction.afterState.forEach((end, client) => {
    const start = transaction.beforeState.get(client) ?? 0;
    const structs = store.clients.get(client);
    if (found || end <= start || !structs) return;
    for (let i = Y.findIndexSS(structs, start); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct.id.clock >= end) break;
      if (struct instanceof Y.Item && isUnknownItem(struct)) {
        found = true;
        return;
      }
    }
  });
  return found;
}

/** Whether `ydoc` was written by a newer Confer than this page, whose content this page may not know. */
export function isNewerThanClient(ydoc: Y.Doc, body: Y.XmlFragment): boolean {
  return docSchemaVersion(ydoc) > SCHEMA_VERSION || hasUnknownContent(body);
}

/**
 * Calls `onNewer` (once) as soon as `ydoc` turns out to be written with a newer schema: it says so in
 * its meta map, or an update brings a block or mark this version does not know. The call is
 * synchronous, after the update is applied and before any observer of the body runs: the moment to
 * detach the editor binding, which would otherwise delete from the shared document what it cannot
 * parse. Returns the function that stops watching.
 */
export function watchForNewerSchema(ydoc: Y.Doc, onNewer: () => void): () => void {
  let fired = false;
  const check = (transaction: Y.Transaction) => {
    if (fired || (docSchemaVersion(ydoc) <= SCHEMA_VERSION && !insertedUnknown(transaction))) return;
    fired = true;
    onNewer();
  };
  ydoc.on("beforeObserverCalls", check);
  return () => ydoc.off("beforeObserverCalls", check);
}
