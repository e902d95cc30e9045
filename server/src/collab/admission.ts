import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { SCHEMA_VERSION, SCHEMA_VERSION_PARAM } from "@confer/shared";
import type { Authenticator } from "../auth/session.ts";
import type { DocumentStore } from "../store/documents.ts";
import { isAllowedOrigin } from "../http/origin.ts";
import { syncMode } from "../policies/index.ts";
import { ID_PATTERN } from "../store/ids.ts";
import type { ConnectionInit } from "./Connection.ts";

/** A connection the server lets in: which document, and who with what rights. */
export interface Admitted extends ConnectionInit {
  ok: true;
  docId: string;
}

/** A refused upgrade: the HTTP status it is answered with, and why (for the log). */
export interface Refused {
  ok: false;
  status: 400 | 401 | 403 | 404 | 503;
  why: string;
}

/** What admission needs from the server. */
export interface AdmissionDeps {
  publicUrl: string | undefined;
  auth: Authenticator;
  documents: DocumentStore;
}

const refused = (status: Refused["status"], why: string): Refused => ({ ok: false, status, why });

/**
 * Decides, before any WebSocket exists, whether an upgrade to `/collab/<docId>` may connect: the
 * path, the Origin, the session cookie (401), the document (404) and the person's access to it
 * through the policies (403). Nothing of the client's is read or kept while this runs.
 */
export async function admit(req: IncomingMessage, secure: boolean, deps: AdmissionDeps): Promise<Admitted | Refused> {
  const [path = "", query = ""] = (req.url ?? "").split("?", 2);
  const match = /^\/collab\/([^/]+)$/.exec(path);
  if (!match) return refused(404, "not a sync path");
  if (!isAllowedOrigin(req, deps.publicUrl, secure)) return refused(403, `origin ${req.headers.origin ?? "(none)"} not allowed`);
  let docId: string;
  try {
    docId = decodeURIComponent(match[1]!);
  } catch {
    return refused(400, "undecodable document id");
  }
  const params = new URLSearchParams(query);
  const schema = params.get(SCHEMA_VERSION_PARAM);
  if (schema !== null && !/^\d{1,9}$/.test(schema)) return refused(400, "bad schema version");
  const schemaVersion = schema === null ? 1 : Number(schema);

  const signedIn = await deps.auth.sessionFor(req);
  if (!signedIn) return refused(401, "no session");
  const { user, session } = signedIn;
  const doc = ID_PATTERN.test(docId) ? await deps.documents.findFor(docId, user.id) : undefined;
  if (!doc) return refused(404, "no such document");
  const mode = syncMode({ user, role: doc.role });
  if (mode === "none" || !doc.role) return refused(403, "no access");
  return {
    ok: true,
    docId,
    user,
    session: { idHash: session.idHash, expiresAt: session.expiresAt },
    role: doc.role,
    mode,
    identity: { id: user.id, name: user.name, company: user.company, color: user.color, external: user.orgId !== doc.orgId },
    wantsNotices: params.get("notices") === "1",
    outdated: schemaVersion < SCHEMA_VERSION,
  };
}

/** Answers a refused upgrade with a bare HTTP status and closes the socket without reading from it. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.destroyed) return;
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Refused"}\r\nConnection: close\r\n\r\n`);
}
