import { Router, type Request } from "express";
import { CloseCodes, CreateDocRequest, UNTITLED, UpdateDocRequest, type DocSummary } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { DocumentListing } from "../../store/documents.ts";
import { parseBody } from "../../http/validate.ts";
import { forbidden, notFound } from "../../errors.ts";
import { requireUser } from "../../auth/session.ts";
import { can, type DocumentAction } from "../../policies/index.ts";
import { ID_PATTERN } from "../../store/ids.ts";

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
export function docRoutes({ documents, collab }: Services): Router {
  const r = Router();

  /** Loads the document in the URL and checks the signed-in user may do `action` to it. */
  async function authorize(req: Request, action: DocumentAction): Promise<DocumentListing> {
    const user = requireUser(req);
    const id = String(req.params.id);
    const doc = ID_PATTERN.test(id) ? await documents.findFor(id, user.id) : undefined;
    const role = doc?.role;
    // A document you may not read is reported as missing, so ids cannot be probed.
    if (!doc || !can({ user, role }, "read")) throw notFound("This document does not exist or you do not have access to it.");
    if (!can({ user, role }, action)) throw forbidden(`Your role (${role}) does not allow you to ${describe(action)} this document.`);
    return { ...doc, role: role! };
  }

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
    await documents.rename(doc.id, body.title || UNTITLED);
    res.json(toSummary((await authorize(req, "read"))));
  });

  r.delete("/docs/:id", async (req, res) => {
    const doc = await authorize(req, "delete");
    await collab.closeDocument(doc.id, CloseCodes.NotFound);
    await documents.delete(doc.id);
    res.json({ ok: true });
  });
  return r;
}

function describe(action: DocumentAction): string {
  switch (action) {
    case "read":
      return "open";
    case "update":
      return "edit";
    case "rename":
      return "rename";
    case "delete":
      return "delete";
    case "manageMembers":
      return "manage the members of";
  }
}
