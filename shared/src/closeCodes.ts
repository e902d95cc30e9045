/** A WebSocket close the server sends and the page explains to the person. */
export interface CloseEvent {
  code: number;
  reason: string;
  /** Whether the client should stop reconnecting after this close. */
  final: boolean;
}

/** Close codes of the sync endpoint, in the 44xx range (as HTTP status + 4000). */
export const CloseCodes = {
  Unauthorized: { code: 4401, reason: "Please sign in to open this document.", final: true },
  Forbidden: { code: 4403, reason: "You do not have access to this document.", final: true },
  AccessRevoked: { code: 4410, reason: "You no longer have access to this document.", final: true },
  NotFound: { code: 4404, reason: "This document does not exist or was deleted.", final: true },
  BadOrigin: { code: 4400, reason: "This page is not allowed to connect to the server.", final: true },
  ShuttingDown: { code: 4503, reason: "The server is restarting.", final: false },
  /** The sign-in behind the connection ended (signed out, or expired): sign in again. */
  SessionEnded: { code: 4440, reason: "Your session ended. Sign in again to keep working on this document.", final: true },
  /** The client kept sending changes the server cannot apply (e.g. missing earlier edits): reload. */
  UpdatesRefused: { code: 4422, reason: "This page sent changes the server could not accept. Reload the page to continue.", final: true },
} as const satisfies Record<string, CloseEvent>;

/** Looks up the close event for a code received by a client, if it is one of ours. */
export function closeEventFor(code: number): CloseEvent | undefined {
  return Object.values(CloseCodes).find((c) => c.code === code);
}
