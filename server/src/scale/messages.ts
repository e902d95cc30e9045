import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { ClusterEvent } from "../collab/cluster.ts";

/**
 * Messages on a document's channel (`<prefix>doc:<docId>`), binary, lib0-encoded:
 *   update    = varUint(0) varString(process) varUint(incarnation) varUint(seq) varUint(n) n × varUint8Array(update)
 *   awareness = varUint(1) varString(process) varUint(incarnation) varUint8Array(awareness update)
 *   heads     = varUint(2) varString(process) varUint(incarnation) varUint(seq)
 *   query     = varUint(3) varString(process) varUint(incarnation)   (a room just loaded: send your presence)
 * A publisher is one room of one process (its incarnation); `seq` counts its update messages from 1,
 * so a receiver sees a gap. `heads` announces the last seq after publishes were dropped.
 */
export const DocMessageType = { Update: 0, Awareness: 1, Heads: 2, Query: 3 } as const;

/** Who published a message: a process, and which of its rooms of the document. */
export interface Publisher {
  process: string;
  incarnation: number;
}

/** A decoded document-channel message. */
export type DocMessage =
  | ({ type: "update"; seq: number; updates: Uint8Array[] } & Publisher)
  | ({ type: "awareness"; update: Uint8Array } & Publisher)
  | ({ type: "heads"; seq: number } & Publisher)
  | ({ type: "query" } & Publisher);

const TYPE_OF: Record<DocMessage["type"], number> = { update: DocMessageType.Update, awareness: DocMessageType.Awareness, heads: DocMessageType.Heads, query: DocMessageType.Query };

/** Encodes a document-channel message. */
export function writeDocMessage(msg: DocMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, TYPE_OF[msg.type]);
  encoding.writeVarString(e, msg.process);
  encoding.writeVarUint(e, msg.incarnation);
  switch (msg.type) {
    case "update":
      encoding.writeVarUint(e, msg.seq);
      encoding.writeVarUint(e, msg.updates.length);
      for (const u of msg.updates) encoding.writeVarUint8Array(e, u);
      break;
    case "awareness":
      encoding.writeVarUint8Array(e, msg.update);
      break;
    case "heads":
      encoding.writeVarUint(e, msg.seq);
      break;
    case "query":
      break;
  }
  return encoding.toUint8Array(e);
}

/** Decodes a document-channel message; throws for anything malformed. */
export function readDocMessage(data: Uint8Array): DocMessage {
  const d = decoding.createDecoder(data);
  const type = decoding.readVarUint(d);
  const process = decoding.readVarString(d);
  const incarnation = decoding.readVarUint(d);
  let msg: DocMessage;
  switch (type) {
    case DocMessageType.Update: {
      const seq = decoding.readVarUint(d);
      const n = decoding.readVarUint(d);
      const updates: Uint8Array[] = [];
      for (let i = 0; i < n; i++) updates.push(decoding.readVarUint8Array(d));
      msg = { type: "update", process, incarnation, seq, updates };
      break;
    }
    case DocMessageType.Awareness:
      msg = { type: "awareness", process, incarnation, update: decoding.readVarUint8Array(d) };
      break;
    case DocMessageType.Heads:
      msg = { type: "heads", process, incarnation, seq: decoding.readVarUint(d) };
      break;
    case DocMessageType.Query:
      msg = { type: "query", process, incarnation };
      break;
    default:
      throw new Error(`unknown document message ${type}`);
  }
  if (d.pos !== data.length) throw new Error("malformed document message");
  return msg;
}

/** Messages on the control channel (`<prefix>control`), JSON: events every process acts on, and liveness. */
export type ControlMessage = { kind: "event"; from: string; event: ClusterEvent } | { kind: "alive"; from: string; sentAt?: number };

/** Parses a control message; undefined for anything that is not one. */
export function readControlMessage(raw: string): ControlMessage | undefined {
  try {
    const msg = JSON.parse(raw) as Partial<ControlMessage>;
    if (typeof msg.from !== "string") return undefined;
    if (msg.kind === "alive") return { kind: "alive", from: msg.from, sentAt: typeof msg.sentAt === "number" ? msg.sentAt : undefined };
    if (msg.kind === "event" && msg.event && typeof msg.event === "object" && typeof (msg.event as { type?: unknown }).type === "string") {
      return { kind: "event", from: msg.from, event: msg.event };
    }
  } catch {
    // not JSON
  }
  return undefined;
}
