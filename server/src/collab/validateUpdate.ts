import * as decoding from "lib0/decoding";

/**
 * Checks that `update` is one complete, well-formed Yjs v1 update, reading it the way Yjs does.
 * lib0's decoders do not fail on a short buffer (they read past the end and yield garbage), so a
 * truncated update would otherwise be half-applied. Returns an error message, or null when valid.
 */
export function validateUpdate(update: Uint8Array): string | null {
  const d = decoding.createDecoder(update);
  const end = update.length;
  const overrun = () => d.pos > end;
  try {
    const clients = decoding.readVarUint(d);
    for (let i = 0; i < clients; i++) {
      if (overrun()) return "truncated update";
      const structs = decoding.readVarUint(d);
      decoding.readVarUint(d); // client
      decoding.readVarUint(d); // clock
      for (let j = 0; j < structs; j++) {
        if (overrun()) return "truncated update";
        const info = decoding.readUint8(d);
        const ref = info & 0b11111;
        if (ref === 0 || ref === 10) {
          decoding.readVarUint(d); // GC or Skip length
          continue;
        }
        if (info & 0x80) readId(d);
        if (info & 0x40) readId(d);
        if ((info & 0xc0) === 0) {
          if (decoding.readVarUint(d) === 1) decoding.readVarString(d);
          else readId(d);
          if (info & 0x20) decoding.readVarString(d);
        }
        const problem = readContent(d, ref);
        if (problem) return problem;
      }
    }
    // Delete set.
    const dsClients = decoding.readVarUint(d);
    for (let i = 0; i < dsClients; i++) {
      if (overrun()) return "truncated delete set";
      decoding.readVarUint(d);
      const ranges = decoding.readVarUint(d);
      for (let j = 0; j < ranges; j++) {
        if (overrun()) return "truncated delete set";
        decoding.readVarUint(d);
        decoding.readVarUint(d);
      }
    }
  } catch {
    return "malformed update";
  }
  if (d.pos !== end) return d.pos > end ? "truncated update" : "trailing bytes after update";
  return null;
}

function readId(d: decoding.Decoder): void {
  decoding.readVarUint(d);
  decoding.readVarUint(d);
}

/** Reads one item's content (Yjs `contentRefs`); null when it is of a known kind. */
function readContent(d: decoding.Decoder, ref: number): string | null {
  switch (ref) {
    case 1: // deleted
      decoding.readVarUint(d);
      return null;
    case 2: {
      // JSON
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n && d.pos <= d.arr.length; i++) decoding.readVarString(d);
      return null;
    }
    case 3: // binary
      decoding.readVarUint8Array(d);
      return null;
    case 4: // string
    case 5: // embed
      decoding.readVarString(d);
      return null;
    case 6: // format
      decoding.readVarString(d);
      decoding.readVarString(d);
      return null;
    case 7: {
      // type
      const typeRef = decoding.readVarUint(d);
      if (typeRef > 6) return "unknown shared type";
      if (typeRef === 3 || typeRef === 5) decoding.readVarString(d);
      return null;
    }
    case 8: {
      // any
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n && d.pos <= d.arr.length; i++) decoding.readAny(d);
      return null;
    }
    case 9: // subdocument
      decoding.readVarString(d);
      decoding.readAny(d);
      return null;
    default:
      return "unknown content kind";
  }
}
