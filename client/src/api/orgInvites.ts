import { z } from "zod";
import {
  OrgInviteCreated,
  OrgInviteLanding,
  OrgInviteList,
  OrgJoined,
  type AcceptOrgInviteRequest,
  type CreateOrgInviteRequest,
  type OrgInvite,
} from "@confer/shared";
import { request } from "./http.ts";

const Ok = z.object({ ok: z.literal(true) });
const token = (t: string) => `/api/org-invites/${encodeURIComponent(t)}`;

/** Creates an invitation into your organisation (admins); its URL is in the answer this once only. */
export function createOrgInvite(body: CreateOrgInviteRequest = {}): Promise<OrgInviteCreated> {
  return request("POST", "/api/org/invites", OrgInviteCreated, body);
}

/** Your organisation's invitations that still work (admins). */
export async function listOrgInvites(): Promise<OrgInvite[]> {
  return (await request("GET", "/api/org/invites", OrgInviteList)).invites;
}

/** Turns an invitation off for good (admins). */
export async function revokeOrgInvite(id: string): Promise<void> {
  await request("DELETE", `/api/org/invites/${encodeURIComponent(id)}`, Ok);
}

/** What an invitation leads to, for its landing page; works without signing in. */
export function getOrgInvite(t: string): Promise<OrgInviteLanding> {
  return request("GET", token(t), OrgInviteLanding);
}

/** Accepts an invitation: signed in with no body, or with a new account's fields. */
export function acceptOrgInvite(t: string, person?: AcceptOrgInviteRequest): Promise<OrgJoined> {
  return request("POST", `${token(t)}/accept`, OrgJoined, person ?? {});
}
