import { ApiRequestError, messageOf } from "../api/index.ts";

/** Why an invite link cannot be used, in words for a whole-page message. */
export interface InviteProblem {
  title: string;
  body: string;
  /** Whether trying again later could help (network trouble, rate limits). */
  retry: boolean;
}

/** Turns a failed invite look-up or accept into a heading and an explanation (the server's own message when it sent one). */
export function inviteProblem(err: unknown): InviteProblem {
  const body = messageOf(err);
  if (!(err instanceof ApiRequestError)) return { title: "Something went wrong", body, retry: true };
  if (err.isNetwork) return { title: "Can't reach Confer", body, retry: true };
  if (err.status === 404) return { title: "This invite link doesn't work", body, retry: false };
  if (err.status === 410) return { title: "This invite link no longer works", body, retry: false };
  if (err.status === 429) return { title: "Too many attempts", body, retry: true };
  if (err.id === "external_forbidden") return { title: "You can't join this document", body, retry: false };
  return { title: "Something went wrong", body, retry: true };
}

/** Whether an error from accepting means the link itself is dead, so the whole page should say so. */
export function isDeadLink(err: unknown): boolean {
  return err instanceof ApiRequestError && (err.status === 404 || err.status === 410);
}
