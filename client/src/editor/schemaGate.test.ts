// @vitest-environment happy-dom
import { afterEach, expect, test } from "vitest";
import * as Y from "yjs";
import { META_MAP, SCHEMA_VERSION, SCHEMA_VERSION_KEY } from "@confer/shared";
import { BODY_FRAGMENT, schema } from "@confer/shared/schema";
import { createTestEditor } from "./testView.ts";
import { docSchemaVersion, hasUnknownContent, isNewerThanClient, watchForNewerSchema } from "./schemaGate.ts";
import { readOnlyBody } from "./readOnlyBody.ts";
import { Schema } from "prosemirror-model";

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

/** A document as a newer Confer writes it: a block type this version lacks, between two paragraphs. */
function newerDocUpdate(base: Y.Doc, opts: { stamp: boolean }): Uint8Array {
  const remote = new Y.Doc();
  Y.applyUpdate(remote, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(remote);
  remote.transact(() => {
    if (opts.stamp) remote.getMap(META_MAP).set(SCHEMA_VERSION_KEY, SCHEMA_VERSION + 1);
    const callout = new Y.XmlElement("callout");
    callout.setAttribute("tone", "info");
    callout.insert(0, [paragraph("from the future")]);
    remote.getXmlFragment(BODY_FRAGMENT).insert(1, [callout]);
  });
  return Y.encodeStateAsUpdate(remote, before);
}

function seeded(): Y.Doc {
  const doc = new Y.Doc();
  doc.getXmlFragment(BODY_FRAGMENT).insert(0, [paragraph("one"), paragraph("two")]);
  return doc;
}

const names = (doc: Y.Doc) => doc.getXmlFragment(BODY_FRAGMENT).toArray().map((c) => (c as Y.XmlElement).nodeName);

test("the danger: a bound editor deletes a block it does not know, for everyone", () => {
  const ydoc = seeded();
  const t = createTestEditor(ydoc);
  cleanup.push(t.destroy);
  Y.applyUpdate(ydoc, newerDocUpdate(ydoc, { stamp: false }));
  expect(names(ydoc)).toEqual(["paragraph", "paragraph"]);
});

for (const stamp of [true, false]) {
  test(`detaching on the watcher's call keeps the unknown block (${stamp ? "meta says newer" : "no meta, unknown node"})`, () => {
    const ydoc = seeded();
    const t = createTestEditor(ydoc);
    cleanup.push(t.destroy);
    let fired = 0;
    cleanup.push(
      watchForNewerSchema(ydoc, () => {
        fired++;
        t.view.destroy();
      }),
    );
    Y.applyUpdate(ydoc, newerDocUpdate(ydoc, { stamp }));
    expect(fired).toBe(1);
    expect(names(ydoc)).toEqual(["paragraph", "callout", "paragraph"]);
    expect(isNewerThanClient(ydoc, ydoc.getXmlFragment(BODY_FRAGMENT))).toBe(true);
  });
}

test("ordinary edits do not trip the watcher", () => {
  const ydoc = seeded();
  let fired = 0;
  cleanup.push(watchForNewerSchema(ydoc, () => fired++));
  ydoc.getXmlFragment(BODY_FRAGMENT).insert(0, [paragraph("zero")]);
  const text = (ydoc.getXmlFragment(BODY_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  text.format(0, 2, { strong: {} });
  expect(fired).toBe(0);
  expect(docSchemaVersion(ydoc)).toBe(1);
});

test("an unknown mark counts as newer content", () => {
  const ydoc = seeded();
  let fired = 0;
  cleanup.push(watchForNewerSchema(ydoc, () => fired++));
  const text = (ydoc.getXmlFragment(BODY_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  text.format(0, 2, { highlight: { color: "yellow" } });
  expect(fired).toBe(1);
  expect(hasUnknownContent(ydoc.getXmlFragment(BODY_FRAGMENT))).toBe(true);
});

test("the read-only reading shows what it knows, marks where the rest is, and writes nothing", () => {
  const ydoc = seeded();
  Y.applyUpdate(ydoc, newerDocUpdate(ydoc, { stamp: true }));
  const updates: Uint8Array[] = [];
  ydoc.on("update", (u: Uint8Array) => updates.push(u));
  const body = readOnlyBody(ydoc.getXmlFragment(BODY_FRAGMENT), schema);
  expect(body.doc.toString()).toBe('doc(paragraph("one"), paragraph("two"))');
  expect(body.unknownAt).toEqual([5]);
  expect(updates).toHaveLength(0);
});

/** The minutes' folded transcript as the server writes it: a details block holding a summary and a line. */
function withTranscript(): Y.Doc {
  const doc = seeded();
  const fold = new Y.XmlElement("details");
  const summary = new Y.XmlElement("details_summary");
  summary.insert(0, [new Y.XmlText("Transcript · 1 line · 2 min")]);
  fold.insert(0, [summary, paragraph("00:01 Olga: hello")]);
  doc.getXmlFragment(BODY_FRAGMENT).insert(2, [fold]);
  return doc;
}

test("schema 3's collapsible block is known here: a bound editor keeps it and nothing is frozen", () => {
  expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
  const ydoc = withTranscript();
  expect(isNewerThanClient(ydoc, ydoc.getXmlFragment(BODY_FRAGMENT))).toBe(false);
  const t = createTestEditor(ydoc);
  cleanup.push(t.destroy);
  expect(names(ydoc)).toEqual(["paragraph", "paragraph", "details"]);
  expect(t.view.state.doc.child(2).type.name).toBe("details");
});

test("a schema-2 page finds the collapsible block unknown: it shows the rest read-only and marks where it is", () => {
  const schema2 = new Schema({ nodes: schema.spec.nodes.remove("details").remove("details_summary"), marks: schema.spec.marks });
  const ydoc = withTranscript();
  const body = readOnlyBody(ydoc.getXmlFragment(BODY_FRAGMENT), schema2);
  expect(body.doc.childCount).toBe(2);
  expect(body.unknownAt).toEqual([body.doc.content.size]);
  // Nothing was written: the block is still in the shared document.
  expect(names(ydoc)).toEqual(["paragraph", "paragraph", "details"]);
});
