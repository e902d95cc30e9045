import type { CloseEvent } from "@confer/shared";

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
  label: string;
  tone: "ok" | "busy" | "warn" | "error";
}

/** Words for the unsynced-changes part of the offline status. */
export function offlineLabel(unsynced: number): string {
  if (unsynced <= 0) return "Offline — changes kept on this device";
  return `Offline — ${unsynced} unsynced ${unsynced === 1 ? "change" : "changes"} kept on this device`;
}

/** Turns connection facts into the status pill's words. Every state has words on screen. */
export function describeConnection(f: ConnectionFacts): ConnectionStatus {
  if (f.finalClose) return { label: "Disconnected", tone: "error" };
  if (f.socket === "connected" && f.synced) return { label: "Connected", tone: "ok" };
  if (f.offline || f.unsynced > 0) return { label: offlineLabel(f.unsynced), tone: "warn" };
  if (!f.everConnected) return { label: "Connecting…", tone: "busy" };
  return { label: "Reconnecting…", tone: "busy" };
}
