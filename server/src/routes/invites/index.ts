import { Router, type Request } from "express";
import { rateLimit } from "express-rate-limit";
import { AcceptInviteRequest, CreateInviteRequest, type Invite, type InviteLanding } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { InviteRow } from "../../store/invites.ts";
import type { User } from "../../store/users.ts";
import { parseBody } from "../../http/validate.ts";
import { HttpError, notFound } from "../../errors.ts";
import { canGrant, checkInviteCreator, checkInviteUsable, checkJoinOrg, type InviteRefusal } from "../../policies/index.ts";
import { authorizeDoc } from "../docAccess.ts";

const toInvite = (i: InviteRow): Invite => ({
  id: i.id,
  role: i.role,
  expiresAt: i.expiresAt,
  maxUses: i.maxUses,
  uses: i.uses,
  createdAt: i.createdAt,
  createdBy: i.createdByName,
});

function inviteRefused(reason: Exclude<InviteRefusal, null>): HttpError {
  switch (reason) {
    case "revoked":
      return new HttpError(410, "invite_revoked", "This invite link was turned off by the document's owner. Ask them for a new one.");
    case "expired":
      return new HttpError(410, "invite_expired", "This invite link has expired. Ask the person who sent it for a new one.");
    case "used_up":
      return new HttpError(410, "invite_used_up", "This invite link has been used as many times as it allows. Ask for a new one.");
    case "inviter_lost_rights":
      return new HttpError(
        410,
        "invite_inviter_lost_rights",
        "The person who made this invite link can no longer add people to this document, so the link stopped working. Ask an owner of the document for a new one.",
      );
    case "external_forbidden":
      return new HttpError(403, "external_forbidden", "This company does not allow people from other companies to join its documents.");
  }
}

const unknownInvite = () => notFound("This invite link is not valid. Check that you copied all of it, or ask for a new one.");
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/;

/** Invite links: owners create, list and revoke them; anyone with one sees the landing page and accepts. */
export function inviteRoutes({ config, documents, invites, members, orgs, activity, auth, accounts, limits, users }: Services): Router {
  const r = Router();
  // Guessing tokens is limited per client address; opening a handful of real links never is.
  const guessLimit = rateLimit({
    limit: 20,
    windowMs: 5 * 60_000,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, "rate_limited", "Too many invalid invite links from your network. Wait a few minutes and try again.")),
  });

  const linkBase = (req: Request) => config.publicUrl ?? `${req.protocol}://${req.get("host")}`;

  /** The invite behind a token with its document, or the error that explains why it cannot be used. */
  async function usableInvite(token: string) {
    const invite = TOKEN_PATTERN.test(token) ? await invites.findByToken(token) : undefined;
    if (!invite) throw unknownInvite();
    const doc = await documents.find(invite.docId);
    const hostOrg = doc && (await orgs.find(doc.orgId));
    if (!doc || !hostOrg) throw unknownInvite();
    // A link grants at most what its creator may grant now, not what they could when they made it.
    const creator = { user: await users.findById(invite.createdBy), role: (await documents.findFor(doc.id, invite.createdBy))?.role };
    const problem = checkInviteUsable(invite) ?? checkInviteCreator(invite, creator);
    if (problem) throw inviteRefused(problem);
    return { invite, doc, hostOrg };
  }

  r.post("/docs/:id/invites", async (req, res) => {
    const access = await authorizeDoc(documents, req, "manageInvites");
    const body = CreateInviteRequest.parse(parseBody(CreateInviteRequest, req.body));
    if (!canGrant(access.role, body.role)) throw new HttpError(403, "role_too_high", "A link cannot carry a role above your own.");
    const expiresAt = new Date(Date.now() + body.expiresInHours * 3_600_000);
    const { id, token } = await invites.create({ docId: access.doc.id, role: body.role, createdBy: access.user.id, expiresAt, maxUses: body.maxUses ?? null });
    await activity.record({
      docId: access.doc.id,
      actorId: access.user.id,
      action: "invite_created",
      inviteId: id,
      detail: { role: body.role, expiresAt: expiresAt.toISOString(), maxUses: body.maxUses ?? null },
    });
    const created = (await invites.find(access.doc.id, id))!;
    res.status(201).json({ ...toInvite(created), token, url: `${linkBase(req)}/invite/${token}` });
  });

  r.get("/docs/:id/invites", async (req, res) => {
    const { doc } = await authorizeDoc(documents, req, "manageInvites");
    res.json({ invites: (await invites.listActive(doc.id)).map(toInvite) });
  });

  r.delete("/docs/:id/invites/:inviteId", async (req, res) => {
    const access = await authorizeDoc(documents, req, "manageInvites");
    const invite = await invites.find(access.doc.id, String(req.params.inviteId));
    if (!invite) throw notFound("That invite link does not exist.");
    if (!invite.revokedAt) {
      await invites.revoke(invite.id);
      await activity.record({ docId: access.doc.id, actorId: access.user.id, action: "invite_revoked", inviteId: invite.id, detail: { role: invite.role } });
    }
    res.json({ ok: true });
  });

  r.get("/invites/:token", guessLimit, async (req, res) => {
    const { invite, doc, hostOrg } = await usableInvite(String(req.params.token));
    const landing: InviteLanding = {
      docId: doc.id,
      docTitle: doc.title,
      invitedBy: invite.createdByName,
      hostCompany: hostOrg.name,
      role: invite.role,
      expiresAt: invite.expiresAt,
      alreadyMember: req.user ? !!(await members.find(doc.id, req.user.id)) : false,
    };
    res.json(landing);
  });

  r.post("/invites/:token/accept", guessLimit, limits.accountCreation, limits.loginPerAccount, async (req, res) => {
    const { invite, doc, hostOrg } = await usableInvite(String(req.params.token));
    let person: User | undefined = req.user;
    let created = false;
    if (!person) {
      // The guest's credentials open the account that already uses them, or make a new unconfirmed
      // account in an organisation of its own (a typed company name is never a key). The answer is
      // the same either way. A new account is made only after the link's use is taken, so racing
      // requests on a one-use link make one account, not several.
      const body = parseBody(AcceptInviteRequest, req.body);
      ({ user: person, created } = await accounts.signInOrCreate(body, { company: body.company }, async () => {
        const problem = checkJoinOrg(hostOrg, undefined);
        if (problem) throw inviteRefused(problem);
        if (!(await invites.consume(invite.id))) throw inviteRefused("used_up");
      }));
    }
    if (!created) {
      const current = await members.find(doc.id, person.id);
      if (current) {
        if (!req.user) await auth.signIn(req, res, person.id);
        res.json({ docId: doc.id, role: current.role });
        return;
      }
      const problem = checkJoinOrg(hostOrg, person.orgId);
      if (problem) throw inviteRefused(problem);
      if (!(await invites.consume(invite.id))) throw inviteRefused("used_up");
    }
    if (!req.user) await auth.signIn(req, res, person.id);
    await members.add(doc.id, person.id, invite.role);
    await activity.record({ docId: doc.id, actorId: person.id, action: "invite_used", targetUserId: person.id, inviteId: invite.id, detail: { role: invite.role } });
    res.json({ docId: doc.id, role: invite.role });
  });

  return r;
}
