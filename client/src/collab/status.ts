import { CloseCodes, type CloseEvent } from "@confer/shared";

/** Raw facts about a document's connection, gathered by useCollab. */
export interface ConnectionFacts {
  /** The provider's socket state. */
  socket: "connecting" | "connected" | "disconnected";
  /** Whether the first sync with the server completed on the current socket. */
  synced: boolean;
  /** Whether a socket has ever been open in this page. */
  everConnected: boolean;
  /** Whether we should speak of being offline rather than (re)connecting. */
  offline: boolean;
  /** Local changes made while not connected and not yet sent. */
  unsynced: number;
  /** The close that ended syncing for good, if any. */
  finalClose: CloseEvent | undefined;
}

/** What the status pill says, and how it looks. */
export interface ConnectionStatus {
  /** A few words for the pill. */
  label: string;
  /** The whole story in a sentence, for the pill's tooltip and the notice above the text. */
  detail: string;
  tone: "ok" | "busy" | "warn" | "error";
}

/** Words for being offline: what happens to the person's edits, never a count of keystrokes. */
export function offlineStatus(unsynced: number): ConnectionStatus {
  if (unsynced <= 0) {
    return { label: "Offline", detail: "You're offline. Anything you write is saved on this device and syncs when you're back online.", tone: "warn" };
  }
  return {
    label: "Offline · edits saved on this device",
    detail: "Offline — your edits are saved on this device and will sync when you're back online.",
    tone: "warn",
  };
}

/** Short words for the close that ended syncing for good, by what happened. */
function closedLabel(close: CloseEvent): string {
  switch (close.code) {
    case CloseCodes.AccessRevoked.code:
    case CloseCodes.Forbidden.code:
      return "No access";
    case CloseCodes.NotFound.code:
      return "Deleted";
    case CloseCodes.Unauthorized.code:
    case CloseCodes.SessionEnded.code:
      return "Signed out";
    default:
      return "Disconnected";
  }
}

/** Turns connection facts into the status pill's words. Every state has words on screen. */
export function describeConnection(f: ConnectionFacts): ConnectionStatus {
  if (f.finalClose) return { label: closedLabel(f.finalClose), detail: f.finalClose.reason, tone: "error" };
  if (f.socket === "connected" && f.synced) return { label: "Connected", detail: "Connected: everyone here sees your edits as you type.", tone: "ok" };
  if (f.offline || f.unsynced > 0) return offlineStatus(f.unsynced);
  if (!f.everConnected) return { label: "Connecting…", detail: "Connecting to the server…", tone: "busy" };
  return { label: "Reconnecting…", detail: "The connection dropped; reconnecting. Your edits are kept on this device meanwhile.", tone: "busy" };
}
