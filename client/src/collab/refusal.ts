// The sync server refuses a socket it will not admit with an HTTP status before the upgrade
// (401 signed out, 403 no access, 404 no such document). A browser only sees such a socket close
// with 1006, the same as a network failure, so we ask the REST API what it would answer.
import { CloseCodes, type CloseEvent, type Role } from "@confer/shared";
import { ApiRequestError, getDoc } from "../api/index.ts";

/** What `GET /api/docs/:id` says about a socket that closed before it ever opened. */
export type RefusalCheck =
  /** Reconnecting cannot help: show this close's explanation and stop. */
  | { kind: "refused"; close: CloseEvent }
  /** The document is open to this person: the failure was something else (network, restart). */
  | { kind: "allowed"; role: Role }
  /** Could not tell (offline, server error): keep reconnecting. */
  | { kind: "unknown" };

/** The close that explains an HTTP refusal of the upgrade, by status. */
export function closeForStatus(status: number): CloseEvent | undefined {
  switch (status) {
    case 401:
      return CloseCodes.Unauthorized;
    case 403:
      return CloseCodes.Forbidden;
    case 404:
      return CloseCodes.NotFound;
    default:
      return undefined;
  }
}

/** Asks the REST API why the sync socket for `docId` could not open. */
export async function checkRefusal(docId: string): Promise<RefusalCheck> {
  try {
    const doc = await getDoc(docId);
    return { kind: "allowed", role: doc.role };
  } catch (err) {
    const close = err instanceof ApiRequestError && err.reason === "http" ? closeForStatus(err.status) : undefined;
    return close ? { kind: "refused", close } : { kind: "unknown" };
  }
}
