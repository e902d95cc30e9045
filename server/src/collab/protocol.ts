import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";

/** Top-level message types of the y-websocket protocol. */
export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;

/** Sub-types of a sync message (y-protocols/sync). */
export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;

/** A message the sync boundary refuses: it is logged and never reaches the document. */
export class ProtocolError extends Error {}

/** A decoded client message; anything else is a ProtocolError. */
export type ClientMessage =
  | { type: "syncStep1"; stateVector: Uint8Array }
  | { type: "update"; update: Uint8Array }
  | { type: "awareness"; update: Uint8Array }
  | { type: "queryAwareness" };

/** Reads one whole client frame; trailing bytes, truncation and unknown types are refused. */
export function readClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data);
  let msg: ClientMessage;
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === SyncType.Step1) msg = { type: "syncStep1", stateVector: payload };
        else if (sub === SyncType.Step2 || sub === SyncType.Update) msg = { type: "update", update: payload };
        else throw new ProtocolError(`unknown sync message ${sub}`);
        break;
      }
      case MessageType.Awareness:
        msg = { type: "awareness", update: decoding.readVarUint8Array(decoder) };
        break;
      case MessageType.QueryAwareness:
        msg = { type: "queryAwareness" };
        break;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError("truncated or malformed message");
  }
  // lib0 reads past the end of a short buffer instead of failing: check the frame's length exactly.
  if (decoder.pos > data.length) throw new ProtocolError("truncated message");
  if (decoder.pos < data.length) throw new ProtocolError("trailing bytes after message");
  return msg;
}

/** `[Sync, sub, payload]`, as y-protocols writes it. */
export function writeSync(sub: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** `[Awareness, update]`. */
export function writeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Entries one awareness message may carry; a client sends its own one or few. */
const MAX_AWARENESS_ENTRIES = 256;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** One client's entry in an awareness update. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** An awareness update as read: the entries within the size bound, and how many were over it. */
export interface AwarenessRead {
  entries: AwarenessEntry[];
  /** Entries whose state was larger than the bound: never parsed, never kept. */
  oversize: number;
}

/**
 * Decodes an awareness update (y-protocols/awareness format). A state over `maxStateBytes` is
 * skipped without being parsed. Throws ProtocolError when malformed.
 */
export function readAwarenessUpdate(update: Uint8Array, maxStateBytes = Infinity): AwarenessRead {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_AWARENESS_ENTRIES) throw new ProtocolError("too many awareness entries");
    const entries: AwarenessEntry[] = [];
    let oversize = 0;
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarUint8Array(decoder);
      if (decoder.pos > update.length) break; // truncated: refused below
      if (raw.length > maxStateBytes) {
        oversize++;
        continue;
      }
      const state = JSON.parse(utf8.decode(raw)) as unknown;
      if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw new ProtocolError("awareness state is not an object");
      entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
    }
    if (decoder.pos !== update.length) throw new ProtocolError("truncated or padded awareness update");
    return { entries, oversize };
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError("malformed awareness update");
  }
}

/** Encodes entries back into an awareness update. */
export function writeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}
