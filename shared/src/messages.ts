import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { Role } from "./roles.ts";
import { MeetingNotice } from "./meetings.ts";
import { MinutesNotice } from "./minutes.ts";

/**
 * Confer's own message type on the sync socket, after y-websocket's 0–3. Sent only to clients
 * that ask for it with `?notices=1` on the socket URL, so stock clients never see it.
 * Byte grammar: `varUint(100) varString(JSON Notice)` — see server/src/collab/PROTOCOL.md.
 */
export const NOTICE_MESSAGE = 100;

/** Side-channel notices from the server, a union on `type`. */
export type Notice =
  | {
      type: "access";
      role: Role;
      readOnly: boolean;
      /** Present (true) when the page's schema is older than the server's: read-only until it reloads. */
      outdated?: true;
    }
  | { type: "title"; title: string }
  | MeetingNotice
  | MinutesNotice;

/** Encodes a notice frame. */
export function writeNotice(notice: Notice): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, NOTICE_MESSAGE);
  encoding.writeVarString(e, JSON.stringify(notice));
  return encoding.toUint8Array(e);
}

/** Reads a notice from a decoder positioned after the message type; undefined if not understood. */
export function readNotice(decoder: decoding.Decoder): Notice | undefined {
  try {
    const value = JSON.parse(decoding.readVarString(decoder)) as Notice;
    if (!value || typeof value !== "object") return undefined;
    switch (value.type) {
      case "access":
        return typeof value.role === "string" && typeof value.readOnly === "boolean" ? value : undefined;
      case "title":
        return typeof value.title === "string" ? value : undefined;
      case "meeting":
        return MeetingNotice.safeParse(value).data;
      case "minutes":
        return MinutesNotice.safeParse(value).data;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
