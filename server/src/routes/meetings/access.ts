import type { Request } from "express";
import type { DocumentStore, DocumentMeta } from "../../store/documents.ts";
import type { MeetingRow, MeetingStore } from "../../store/meetings.ts";
import type { User } from "../../store/users.ts";
import type { Role } from "@confer/shared";
import { forbidden, notFound } from "../../errors.ts";
import { requireUser } from "../../auth/session.ts";
import { canMeeting, type MeetingAction } from "../../policies/index.ts";
import { ID_PATTERN } from "../../store/ids.ts";
import { meetingEnded, notHost } from "../../meetings/errors.ts";

/** A meeting loaded for a request, with who asks, their role in its document, and the document. */
export interface MeetingAccess {
  user: User;
  role: Role;
  doc: DocumentMeta;
  meeting: MeetingRow;
}

const gone = () => notFound("This meeting does not exist or you do not have access to its document.");

/**
 * Loads the meeting named by `req.params.id` and checks, through the meeting policy, that the
 * signed-in person may do `action` with it. People who cannot read its document get a 404, so
 * meeting ids cannot be probed; joining an ended meeting is a 409.
 */
export async function authorizeMeeting(stores: { documents: DocumentStore; meetings: MeetingStore }, req: Request, action: MeetingAction): Promise<MeetingAccess> {
  const user = requireUser(req);
  const id = String(req.params.id);
  const meeting = ID_PATTERN.test(id) ? await stores.meetings.find(id) : undefined;
  const doc = meeting && (await stores.documents.findFor(meeting.docId, user.id));
  const access = { user, role: doc?.role };
  if (!meeting || !doc || !access.role || !canMeeting(access, "view", meeting)) throw gone();
  if (!canMeeting(access, action, meeting)) {
    if (action === "join" && meeting.state === "ended") throw meetingEnded();
    throw action === "host" ? notHost() : forbidden();
  }
  return { user, role: access.role, doc, meeting };
}
