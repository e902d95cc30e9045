import { Router } from "express";
import { CreateOrgInviteRequest, UpdateOrgRequest, type OrgInvite, type OrgInviteCreated, type OrgSettings } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { Org } from "../../store/orgs.ts";
import type { OrgInviteRow } from "../../store/orgInvites.ts";
import type { User } from "../../store/users.ts";
import { parseBody } from "../../http/validate.ts";
import { forbidden, notFound } from "../../errors.ts";
import { requireUser } from "../../auth/session.ts";
import { canManageOrg } from "../../policies/index.ts";

const toSettings = (org: Org, user: User): OrgSettings => ({
  id: org.id,
  name: org.name,
  allowExternal: org.allowExternal,
  isAdmin: canManageOrg(user, org.id),
  domain: org.emailDomain || null,
});

/** An organisation invitation as its admins list it. */
export const toOrgInvite = (i: OrgInviteRow): OrgInvite => ({
  id: i.id,
  expiresAt: i.expiresAt,
  maxUses: i.maxUses,
  uses: i.uses,
  createdAt: i.createdAt,
  createdBy: i.createdByName,
});

/** The signed-in person's organisation: its settings and its invitations (admins change both). */
export function orgRoutes({ config, orgs, orgInvites }: Services): Router {
  const r = Router();

  const admin = (req: Parameters<typeof requireUser>[0], what: string) => {
    const user = requireUser(req);
    if (!canManageOrg(user, user.orgId)) throw forbidden(`Only an admin of your organisation can ${what}.`);
    return user;
  };

  r.get("/org", async (req, res) => {
    const user = requireUser(req);
    const org = await orgs.find(user.orgId);
    if (!org) throw notFound("Your organisation no longer exists.");
    res.json(toSettings(org, user));
  });

  r.patch("/org", async (req, res) => {
    const user = admin(req, "change its settings");
    const body = parseBody(UpdateOrgRequest, req.body);
    await orgs.setAllowExternal(user.orgId, body.allowExternal);
    res.json(toSettings((await orgs.find(user.orgId))!, user));
  });

  r.post("/org/invites", async (req, res) => {
    const user = admin(req, "invite people into it");
    const body = parseBody(CreateOrgInviteRequest, req.body);
    const expiresAt = new Date(Date.now() + body.expiresInHours * 3_600_000);
    const { id, token } = await orgInvites.create({ orgId: user.orgId, createdBy: user.id, expiresAt, maxUses: body.maxUses });
    const created = (await orgInvites.find(user.orgId, id))!;
    const base = config.publicUrl ?? `${req.protocol}://${req.get("host")}`;
    res.status(201).json({ ...toOrgInvite(created), token, url: `${base}/join/${token}` } satisfies OrgInviteCreated);
  });

  r.get("/org/invites", async (req, res) => {
    const user = admin(req, "see its invitations");
    res.json({ invites: (await orgInvites.listActive(user.orgId)).map(toOrgInvite) });
  });

  r.delete("/org/invites/:id", async (req, res) => {
    const user = admin(req, "turn off its invitations");
    const invite = await orgInvites.find(user.orgId, String(req.params.id));
    if (!invite) throw notFound("That invitation does not exist.");
    await orgInvites.revoke(invite.id);
    res.json({ ok: true });
  });
  return r;
}
