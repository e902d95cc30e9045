import type { Request } from "express";
import type { Role } from "@confer/shared";
import type { DocumentStore, DocumentMeta } from "../store/documents.ts";
import type { User } from "../store/users.ts";
import { forbidden, notFound } from "../errors.ts";
import { requireUser } from "../auth/session.ts";
import { can, type DocumentAction } from "../policies/index.ts";
import { ID_PATTERN } from "../store/ids.ts";

/** A document loaded for a request, with who asks and their role in it. */
export interface DocAccess {
  user: User;
  role: Role;
  doc: DocumentMeta & { ownerName: string };
}

const VERBS: Record<DocumentAction, string> = {
  read: "open",
  update: "edit",
  rename: "rename",
  delete: "delete",
  viewMembers: "see the members of",
  manageMembers: "manage the members of",
  manageInvites: "manage the invite links of",
  viewActivity: "see the activity of",
};

/**
 * Loads the document named by `req.params.id` and checks, through the policies, that the signed-in
 * person may do `action` to it. A document they may not read is reported as missing (404), so ids
 * cannot be probed; a lesser role gets a 403 that names it.
 */
export async function authorizeDoc(documents: DocumentStore, req: Request, action: DocumentAction): Promise<DocAccess> {
  const user = requireUser(req);
  const id = String(req.params.id);
  const found = ID_PATTERN.test(id) ? await documents.findFor(id, user.id) : undefined;
  const role = found?.role;
  if (!found || !role || !can({ user, role }, "read")) throw notFound("This document does not exist or you do not have access to it.");
  if (!can({ user, role }, action)) throw forbidden(`As ${article(role)} ${role} you cannot ${VERBS[action]} this document.`);
  return { user, role, doc: found };
}

const article = (role: Role) => (role === "viewer" ? "a" : "an");
