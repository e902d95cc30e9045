import { z } from "zod";
import {
  AcceptedInvite,
  ActivityList,
  InviteCreated,
  InviteLanding,
  InviteList,
  Member,
  MemberList,
  OrgSettings,
  type AcceptInviteRequest,
  type ActivityEntry,
  type CreateInviteRequest,
  type Invite,
  type Role,
} from "@confer/shared";
import { request } from "./http.ts";

const Ok = z.object({ ok: z.literal(true) });
const doc = (id: string) => `/api/docs/${encodeURIComponent(id)}`;
const invite = (token: string) => `/api/invites/${encodeURIComponent(token)}`;

/** Everyone who is a member of a document, with their role and whether they are online. */
export async function listMembers(docId: string): Promise<Member[]> {
  return (await request("GET", `${doc(docId)}/members`, MemberList)).members;
}

/** Adds a person of the owner's own company by email (owners only). */
export function addMember(docId: string, email: string, role: Role): Promise<Member> {
  return request("POST", `${doc(docId)}/members`, Member, { email, role });
}

/** Changes a member's role (owners only). */
export function changeRole(docId: string, userId: string, role: Role): Promise<Member> {
  return request("PATCH", `${doc(docId)}/members/${encodeURIComponent(userId)}`, Member, { role });
}

/** Removes a member (owners), or leaves the document (yourself). */
export async function removeMember(docId: string, userId: string): Promise<void> {
  await request("DELETE", `${doc(docId)}/members/${encodeURIComponent(userId)}`, Ok);
}

/** Creates an invite link; its URL is in the answer this once only. */
export function createInvite(docId: string, body: CreateInviteRequest): Promise<InviteCreated> {
  return request("POST", `${doc(docId)}/invites`, InviteCreated, body);
}

/** The document's invite links that still work. */
export async function listInvites(docId: string): Promise<Invite[]> {
  return (await request("GET", `${doc(docId)}/invites`, InviteList)).invites;
}

/** Turns an invite link off for good. */
export async function revokeInvite(docId: string, inviteId: string): Promise<void> {
  await request("DELETE", `${doc(docId)}/invites/${encodeURIComponent(inviteId)}`, Ok);
}

/** The document's sharing history, newest first (owners only). */
export async function listActivity(docId: string): Promise<ActivityEntry[]> {
  return (await request("GET", `${doc(docId)}/activity`, ActivityList)).entries;
}

/** What an invite link leads to, for its landing page; works without signing in. */
export function getInvite(token: string): Promise<InviteLanding> {
  return request("GET", invite(token), InviteLanding);
}

/** Accepts an invite: signed in with no body, or as a new guest account with one. */
export function acceptInvite(token: string, guest?: AcceptInviteRequest): Promise<{ docId: string; role: Role }> {
  return request("POST", `${invite(token)}/accept`, AcceptedInvite, guest ?? {});
}

/** The signed-in person's organisation and whether they administer it. */
export function getOrg(): Promise<OrgSettings> {
  return request("GET", "/api/org", OrgSettings);
}

/** Changes whether people from other companies may join the organisation's documents (admins only). */
export function updateOrg(allowExternal: boolean): Promise<OrgSettings> {
  return request("PATCH", "/api/org", OrgSettings, { allowExternal });
}
