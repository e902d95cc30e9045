import { Router } from "express";
import { AddMemberRequest, UpdateMemberRequest, type Member } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { MemberRow } from "../../store/members.ts";
import { parseBody } from "../../http/validate.ts";
import { conflict, HttpError, notFound } from "../../errors.ts";
import { checkAddMember, checkChangeRole, checkRemoveMember, isExternal, type MembershipRefusal } from "../../policies/index.ts";
import { authorizeDoc } from "../docAccess.ts";

/** Turns a policy refusal into the error a person reads. */
function refusal(reason: Exclude<MembershipRefusal, null>, company: string): HttpError {
  switch (reason) {
    case "not_owner":
      return new HttpError(403, "not_owner", "Only an owner of this document can change its members.");
    case "role_too_high":
      return new HttpError(403, "role_too_high", "You cannot give someone a role above your own.");
    case "last_owner":
      return new HttpError(409, "last_owner", "A document needs at least one owner. Make someone else an owner first.");
    case "other_company":
      return new HttpError(
        404,
        "user_not_found",
        `No one at ${company} has confirmed this email address on Confer. Once they sign up and confirm it, add them again; or send them an invite link.`,
      );
  }
}

/** Members of a document: list, add (own company, by email), change role, remove. */
export function memberRoutes({ documents, members, invites, users, activity, collab, meetings }: Services): Router {
  const r = Router();

  const toMember = (m: MemberRow, docOrgId: string, online: Set<string>): Member => ({
    userId: m.userId,
    name: m.name,
    email: m.email,
    company: m.company,
    role: m.role,
    external: isExternal(m, docOrgId),
    online: online.has(m.userId),
  });

  r.get("/docs/:id/members", async (req, res) => {
    const { doc } = await authorizeDoc(documents, req, "viewMembers");
    const online = await collab.connectedUserIds(doc.id);
    res.json({ members: (await members.list(doc.id)).map((m) => toMember(m, doc.orgId, online)) });
  });

  r.post("/docs/:id/members", async (req, res) => {
    const access = await authorizeDoc(documents, req, "viewMembers");
    const body = parseBody(AddMemberRequest, req.body);
    // Only the account that proved the address: whoever merely typed it is not the person meant.
    const person = await users.findVerifiedByEmail(body.email);
    const problem = checkAddMember(access, person, body.role);
    if (problem || !person) throw refusal(problem ?? "other_company", access.user.company);
    if (await members.find(access.doc.id, person.id)) throw conflict(`${person.name} is already a member. Change their role instead.`, "already_member");
    await members.add(access.doc.id, person.id, body.role);
    await activity.record({ docId: access.doc.id, actorId: access.user.id, action: "member_added", targetUserId: person.id, detail: { role: body.role } });
    const online = await collab.connectedUserIds(access.doc.id);
    const added = await members.find(access.doc.id, person.id);
    res.status(201).json(toMember(added!, access.doc.orgId, online));
  });

  r.patch("/docs/:id/members/:userId", async (req, res) => {
    const access = await authorizeDoc(documents, req, "viewMembers");
    const body = parseBody(UpdateMemberRequest, req.body);
    const target = await members.find(access.doc.id, String(req.params.userId));
    if (!target) throw notFound("That person is not a member of this document.");
    const problem = checkChangeRole(access, target.role, body.role, await members.countOwners(access.doc.id));
    if (problem) throw refusal(problem, access.user.company);
    if (target.role !== body.role) {
      await members.setRole(access.doc.id, target.userId, body.role);
      await activity.record({
        docId: access.doc.id,
        actorId: access.user.id,
        action: "role_changed",
        targetUserId: target.userId,
        detail: { from: target.role, to: body.role },
      });
      // Open connections switch before this request returns.
      await collab.refreshAccess(access.doc.id, target.userId);
    }
    const online = await collab.connectedUserIds(access.doc.id);
    res.json(toMember({ ...target, role: body.role }, access.doc.orgId, online));
  });

  r.delete("/docs/:id/members/:userId", async (req, res) => {
    const access = await authorizeDoc(documents, req, "read");
    const target = await members.find(access.doc.id, String(req.params.userId));
    if (!target) throw notFound("That person is not a member of this document.");
    const problem = checkRemoveMember(access, target.userId, target.role, await members.countOwners(access.doc.id));
    if (problem) throw refusal(problem, access.user.company);
    await members.remove(access.doc.id, target.userId);
    await activity.record({ docId: access.doc.id, actorId: access.user.id, action: "member_removed", targetUserId: target.userId, detail: { role: target.role } });
    // Their rights end here, and so do the links they made (which would otherwise let them back in).
    for (const link of await invites.revokeCreatedBy(access.doc.id, target.userId)) {
      const detail = { role: link.role, reason: "creator_removed" };
      await activity.record({ docId: access.doc.id, actorId: access.user.id, action: "invite_revoked", inviteId: link.id, targetUserId: target.userId, detail });
    }
    await collab.refreshAccess(access.doc.id, target.userId);
    await meetings.onAccessChanged(access.doc.id, target.userId);
    res.json({ ok: true });
  });

  r.get("/docs/:id/activity", async (req, res) => {
    const { doc } = await authorizeDoc(documents, req, "viewActivity");
    res.json({ entries: await activity.list(doc.id) });
  });
  return r;
}
