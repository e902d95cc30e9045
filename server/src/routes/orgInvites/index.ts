import { Router } from "express";
import { AcceptOrgInviteRequest, type OrgInviteLanding, type OrgJoined } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { User } from "../../store/users.ts";
import { parseBody } from "../../http/validate.ts";
import { conflict, gone, HttpError, notFound } from "../../errors.ts";
import { checkOrgInviteUsable, checkSwitchOrg, type OrgInviteRefusal } from "../../policies/index.ts";

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/;
const unknownInvite = () => notFound("This invitation link is not valid. Check that you copied all of it, or ask for a new one.");

function refused(reason: Exclude<OrgInviteRefusal, null>, orgName: string): HttpError {
  switch (reason) {
    case "revoked":
      return gone("This invitation was turned off by an admin. Ask them for a new one.", "invite_revoked");
    case "expired":
      return gone("This invitation has expired. Ask the person who sent it for a new one.", "invite_expired");
    case "used_up":
      return gone("This invitation has been used as many times as it allows. Ask for a new one.", "invite_used_up");
    case "already_in_org":
      return conflict(`You already belong to ${orgName}.`, "already_in_org");
    case "org_has_others":
      return conflict(
        "Your account belongs to an organisation with other people in it, so it cannot move. Sign out and join with another email address.",
        "org_has_others",
      );
  }
}

/**
 * Invitations into an organisation, the only way into one without a proven address: the landing
 * page, and accepting (with a new account, or moving an account whose organisation is its own).
 */
export function orgInviteRoutes({ orgs, orgInvites, accounts, auth, limits }: Services): Router {
  const r = Router();

  async function usable(token: string) {
    const invite = TOKEN_PATTERN.test(token) ? await orgInvites.findByToken(token) : undefined;
    if (!invite) throw unknownInvite();
    const problem = checkOrgInviteUsable(invite);
    if (problem) throw refused(problem, invite.orgName);
    return invite;
  }

  r.get("/org-invites/:token", limits.loginPerClient, async (req, res) => {
    const invite = await usable(String(req.params.token));
    const landing: OrgInviteLanding = {
      orgName: invite.orgName,
      invitedBy: invite.createdByName,
      expiresAt: invite.expiresAt,
      alreadyInOrg: req.user?.orgId === invite.orgId,
    };
    res.json(landing);
  });

  r.post("/org-invites/:token/accept", limits.loginPerClient, limits.accountCreation, limits.loginPerAccount, async (req, res) => {
    const invite = await usable(String(req.params.token));
    const take = async () => {
      if (!(await orgInvites.consume(invite.id))) throw refused("used_up", invite.orgName);
    };
    let person: User | undefined = req.user;
    let created = false;
    if (!person) {
      const body = parseBody(AcceptOrgInviteRequest, req.body);
      ({ user: person, created } = await accounts.signInOrCreate(body, { orgId: invite.orgId }, take));
    }
    if (!created && person.orgId !== invite.orgId) {
      const problem = checkSwitchOrg(person, invite.orgId, await orgs.countMembers(person.orgId));
      if (problem) throw refused(problem, invite.orgName);
      await take();
      if (!(await orgs.absorbSoleMember(person.id, person.orgId, invite.orgId))) throw refused("org_has_others", invite.orgName);
    }
    if (!req.user) await auth.signIn(req, res, person.id);
    res.json({ orgId: invite.orgId, orgName: invite.orgName } satisfies OrgJoined);
  });
  return r;
}
