import { Router } from "express";
import { UpdateOrgRequest, type OrgSettings } from "@confer/shared";
import type { Services } from "../../services.ts";
import { parseBody } from "../../http/validate.ts";
import { forbidden, notFound } from "../../errors.ts";
import { requireUser } from "../../auth/session.ts";
import { canManageOrg } from "../../policies/index.ts";

/** The signed-in person's organisation and its settings (admins change them). */
export function orgRoutes({ orgs }: Services): Router {
  const r = Router();

  r.get("/org", async (req, res) => {
    const user = requireUser(req);
    const org = await orgs.find(user.orgId);
    if (!org) throw notFound("Your organisation no longer exists.");
    const body: OrgSettings = { id: org.id, name: org.name, allowExternal: org.allowExternal, isAdmin: canManageOrg(user, org.id) };
    res.json(body);
  });

  r.patch("/org", async (req, res) => {
    const user = requireUser(req);
    if (!canManageOrg(user, user.orgId)) throw forbidden("Only an admin of your organisation can change its settings.");
    const body = parseBody(UpdateOrgRequest, req.body);
    await orgs.setAllowExternal(user.orgId, body.allowExternal);
    const org = (await orgs.find(user.orgId))!;
    res.json({ id: org.id, name: org.name, allowExternal: org.allowExternal, isAdmin: true } satisfies OrgSettings);
  });
  return r;
}
