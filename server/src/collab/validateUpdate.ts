import * as decoding from "lib0/decoding";

/** How far a document already has each client's changes (Yjs `getState`: the next clock expected). */
export type StateOf = (client: number) => number;

/** The refusal for an update whose changes build on changes the document does not have. */
export const MISSING_DEPENDENCIES = "update depends on changes the server does not have";

/**
 * Checks that `update` is one complete, well-formed Yjs v1 update, reading it the way Yjs does.
 * lib0's decoders do not fail on a short buffer (they read past the end and yield garbage), so a
 * truncated update would otherwise be half-applied. Returns an error message, or null when valid.
 *
 * With `stateOf` (the document's state), it also refuses an update that Yjs could not integrate
 * at once and would keep as "pending": a struct that starts after what the document (or the update
 * itself) has of its client, an origin, right origin or parent the document does not have, or a
 * deletion of changes it does not have. Pending structs are served to newcomers by
 * `encodeStateAsUpdate` but never reach the `update` event, so they would be served and never stored.
 * One pass over the bytes, no allocation per struct: linear and cheap for a large offline sync.
 */
export function validateUpdate(update: Uint8Array, stateOf?: StateOf): string | null {
  const d = decoding.createDecoder(update);
  const end = update.length;
  // Plain state and module-level helpers, no closures: this runs for every update a room receives.
  const c: Checking = { stateOf, present: undefined, later: undefined };
  try {
    const clients = decoding.readVarUint(d);
    for (let i = 0; i < clients; i++) {
      if (d.pos > end) return "truncated update";
      const structs = decoding.readVarUint(d);
      const client = decoding.readVarUint(d);
      let clock = decoding.readVarUint(d);
      for (let j = 0; j < structs; j++) {
        if (d.pos > end) return "truncated update";
        const info = decoding.readUint8(d);
        const ref = info & 0b11111;
        let length: number | string;
        if (ref === 10) {
          // Skip: a gap the sender does not have either; nothing is integrated.
          clock += decoding.readVarUint(d);
          continue;
        }
        if (ref === 0) {
          length = decoding.readVarUint(d); // GC
        } else {
          let linked = true;
          if (info & 0x80) linked &&= reference(c, decoding.readVarUint(d), decoding.readVarUint(d), client, clock);
          if (info & 0x40) linked &&= reference(c, decoding.readVarUint(d), decoding.readVarUint(d), client, clock);
          if ((info & 0xc0) === 0) {
            if (decoding.readVarUint(d) === 1) decoding.readVarString(d);
            else linked &&= reference(c, decoding.readVarUint(d), decoding.readVarUint(d), client, clock);
            if (info & 0x20) decoding.readVarString(d);
          }
          if (!linked) return "update refers to a later change of its own client";
          length = readContent(d, ref);
          if (typeof length === "string") return length;
        }
        if (length < 1) return "empty struct in update";
        if (stateOf) {
          const have = known(c, client);
          if (clock > have) return MISSING_DEPENDENCIES;
          (c.present ??= new Map()).set(client, Math.max(have, clock + length));
        }
        clock += length;
      }
    }
    // Delete set.
    const dsClients = decoding.readVarUint(d);
    for (let i = 0; i < dsClients; i++) {
      if (d.pos > end) return "truncated delete set";
      const client = decoding.readVarUint(d);
      const ranges = decoding.readVarUint(d);
      for (let j = 0; j < ranges; j++) {
        if (d.pos > end) return "truncated delete set";
        const clock = decoding.readVarUint(d);
        const len = decoding.readVarUint(d);
        if (stateOf && len > 0 && clock + len > known(c, client)) return MISSING_DEPENDENCIES;
      }
    }
  } catch {
    return "malformed update";
  }
  if (d.pos !== end) return d.pos > end ? "truncated update" : "trailing bytes after update";
  const later = c.later;
  if (later) for (let i = 0; i < later.length; i += 2) if (later[i + 1]! >= known(c, later[i]!)) return MISSING_DEPENDENCIES;
  return null;
}

/** What one validation has learnt so far. */
interface Checking {
  stateOf: StateOf | undefined;
  /** Per client, the clock up to which structs are present, in the document or earlier in this update. */
  present: Map<number, number> | undefined;
  /** References to other clients' changes not in the document (client, clock pairs): checked once the whole update is read. */
  later: number[] | undefined;
}

function known(c: Checking, client: number): number {
  return c.present?.get(client) ?? c.stateOf?.(client) ?? 0;
}

/** Notes a reference from a struct at (selfClient, selfClock) to (client, clock); false when it cannot be valid. */
function reference(c: Checking, client: number, clock: number, selfClient: number, selfClock: number): boolean {
  if (!c.stateOf) return true;
  // Within one client, a struct can only refer to an earlier one (which the clock check makes present).
  if (client === selfClient) return clock < selfClock;
  if (clock >= c.stateOf(client)) (c.later ??= []).push(client, clock);
  return true;
}

/**
 * The length in UTF-16 code units of UTF-8 bytes, without decoding them: one unit per character,
 * two for a character outside the BMP. Exact for valid UTF-8, which is all a client's encoder writes;
 * for invalid bytes it may differ from the decoder's replacement, and the room's after-apply check
 * catches what that lets through.
 */
function utf16Length(bytes: Uint8Array): number {
  let units = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** Reads one item's content (Yjs `contentRefs`); returns its length, or an error for an unknown kind. */
function readContent(d: decoding.Decoder, ref: number): number | string {
  switch (ref) {
    case 1: // deleted
      return decoding.readVarUint(d);
    case 2: {
      // JSON
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n && d.pos <= d.arr.length; i++) decoding.readVarString(d);
      return n;
    }
    case 3: // binary
      decoding.readVarUint8Array(d);
      return 1;
    case 4: // string, counted in UTF-16 code units as Yjs does
      return utf16Length(decoding.readVarUint8Array(d));
    case 5: // embed
      decoding.readVarString(d);
      return 1;
    case 6: // format
      decoding.readVarString(d);
      decoding.readVarString(d);
      return 1;
    case 7: {
      // type
      const typeRef = decoding.readVarUint(d);
      if (typeRef > 6) return "unknown shared type";
      if (typeRef === 3 || typeRef === 5) decoding.readVarString(d);
      return 1;
    }
    case 8: {
      // any
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n && d.pos <= d.arr.length; i++) decoding.readAny(d);
      return n;
    }
    case 9: // subdocument
      decoding.readVarString(d);
      decoding.readAny(d);
      return 1;
    default:
      return "unknown content kind";
  }
}
