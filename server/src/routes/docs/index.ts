import { Router, type Request } from "express";
import { CreateDocRequest, UNTITLED, UpdateDocRequest, type DocSummary } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { DocumentListing } from "../../store/documents.ts";
import { parseBody } from "../../http/validate.ts";
import { requireUser } from "../../auth/session.ts";
import type { DocumentAction } from "../../policies/index.ts";
import { authorizeDoc } from "../docAccess.ts";

const toSummary = (d: DocumentListing): DocSummary => ({
  id: d.id,
  title: d.title,
  ownerId: d.ownerId,
  ownerName: d.ownerName,
  role: d.role,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/** Documents: list, create, read, rename, delete. */
export function docRoutes({ documents, collab, meetings, minutes }: Services): Router {
  const r = Router();

  const authorize = async (req: Request, action: DocumentAction): Promise<DocumentListing> => {
    const { doc, role } = await authorizeDoc(documents, req, action);
    return { ...doc, role };
  };

  r.get("/docs", async (req, res) => {
    const user = requireUser(req);
    res.json({ docs: (await documents.listFor(user.id)).map(toSummary) });
  });

  r.post("/docs", async (req, res) => {
    const user = requireUser(req);
    const body = parseBody(CreateDocRequest, req.body);
    const doc = await documents.create(user, body.title || UNTITLED);
    res.status(201).json(toSummary({ ...doc, ownerName: user.name, role: "owner" }));
  });

  r.get("/docs/:id", async (req, res) => {
    res.json(toSummary(await authorize(req, "read")));
  });

  r.patch("/docs/:id", async (req, res) => {
    const doc = await authorize(req, "rename");
    const body = parseBody(UpdateDocRequest, req.body);
    const title = body.title || UNTITLED;
    await documents.rename(doc.id, title);
    await collab.notifyAll(doc.id, { type: "title", title });
    res.json(toSummary(await authorize(req, "read")));
  });

  r.delete("/docs/:id", async (req, res) => {
    const doc = await authorize(req, "delete");
    await meetings.onDocumentDeleted(doc.id);
    // Its meetings' minutes jobs are called off, and their recordings' files go with the rows.
    await minutes.deleteDocument(doc.id, (takeRecordings) => collab.deleteDocument(doc.id, () => documents.delete(doc.id, takeRecordings)));
    res.json({ ok: true });
  });
  return r;
}
