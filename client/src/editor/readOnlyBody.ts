import * as Y from "yjs";
import type { Mark, Node as PMNode, Schema } from "prosemirror-model";
import { EditorState, Plugin } from "prosemirror-state";
import { Decoration, DecorationSet } from "prosemirror-view";

/** A document body read from Yjs without y-prosemirror, and where the blocks it could not show were. */
export interface ReadOnlyBody {
  doc: PMNode;
  /** Positions (between top-level blocks) of blocks this version of Confer does not know. */
  unknownAt: number[];
}

// y-prosemirror stores a mark that may overlap itself as `name--<8 chars hash>`.
const HASHED_MARK = /(.*)(--[a-zA-Z0-9+/=]{8})$/;

function marksOf(attrs: Record<string, unknown> | undefined, schema: Schema): Mark[] {
  const marks: Mark[] = [];
  for (const [key, value] of Object.entries(attrs ?? {})) {
    const type = schema.marks[HASHED_MARK.exec(key)?.[1] ?? key];
    if (!type) continue;
    try {
      marks.push(type.create(value as Record<string, unknown>));
    } catch {
      // A mark with attributes this version cannot read: show the text without it.
    }
  }
  return marks;
}

function textNodes(text: Y.XmlText, schema: Schema): PMNode[] {
  const out: PMNode[] = [];
  for (const op of text.toDelta() as { insert?: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert === "string" && op.insert) out.push(schema.text(op.insert, marksOf(op.attributes, schema)));
  }
  return out;
}

function elementNode(el: Y.XmlElement, schema: Schema): PMNode | undefined {
  const type = schema.nodes[el.nodeName];
  if (!type) return undefined;
  const children: PMNode[] = [];
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) children.push(...textNodes(child, schema));
    else if (child instanceof Y.XmlElement) {
      const node = elementNode(child, schema);
      if (node) children.push(node);
    }
  }
  try {
    const node = type.create(el.getAttributes(), children);
    node.check();
    return node;
  } catch {
    return type.createAndFill(el.getAttributes(), children) ?? undefined;
  }
}

/**
 * Reads the Yjs body into a ProseMirror document without ever writing to it. y-prosemirror's binding
 * deletes what it cannot parse; this skips it instead (and notes where), for a client that is older
 * than the document and must show it without touching it.
 */
export function readOnlyBody(fragment: Y.XmlFragment, schema: Schema): ReadOnlyBody {
  const blocks: PMNode[] = [];
  const unknownAt: number[] = [];
  let pos = 0;
  for (const child of fragment.toArray()) {
    const node = child instanceof Y.XmlElement ? elementNode(child, schema) : undefined;
    if (node && node.type.spec.group?.split(" ").includes("block")) {
      blocks.push(node);
      pos += node.nodeSize;
    } else if (unknownAt[unknownAt.length - 1] !== pos) {
      unknownAt.push(pos);
    }
  }
  const doc = schema.topNodeType.createAndFill(null, blocks) ?? schema.topNodeType.createAndFill()!;
  return { doc, unknownAt };
}

function unknownMarker(): HTMLElement {
  const el = document.createElement("div");
  el.className = "unknown-block";
  el.setAttribute("data-testid", "unknown-block");
  el.textContent = "Something here needs the newer version of Confer. Reload to see it.";
  return el;
}

/** An editor state showing `body`, with a note where a block from a newer version sits. */
export function readOnlyState(body: ReadOnlyBody, plugins: Plugin[] = []): EditorState {
  const marker = new Plugin({
    props: {
      decorations: (state) =>
        DecorationSet.create(
          state.doc,
          body.unknownAt.map((pos, i) => Decoration.widget(pos, unknownMarker, { key: `unknown-${i}`, side: -1 })),
        ),
    },
  });
  return EditorState.create({ doc: body.doc, plugins: [...plugins, marker] });
}
