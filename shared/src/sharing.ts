import { z } from "zod";
import { ROLES } from "./roles.ts";
import { SignupRequest } from "./contracts.ts";

const RoleEnum = z.enum(ROLES, { errorMap: () => ({ message: "Role must be owner, editor or viewer." }) });

/** One member of a document, as the share dialog lists them. */
export const Member = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  company: z.string(),
  role: RoleEnum,
  external: z.boolean(),
  online: z.boolean(),
});
export type Member = z.infer<typeof Member>;
export const MemberList = z.object({ members: z.array(Member) });

export const AddMemberRequest = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  role: RoleEnum,
});
export type AddMemberRequest = z.infer<typeof AddMemberRequest>;

export const UpdateMemberRequest = z.object({ role: RoleEnum });

/** Longest an invite link may live: 30 days. */
export const MAX_INVITE_HOURS = 24 * 30;

export const CreateInviteRequest = z.object({
  role: RoleEnum,
  expiresInHours: z
    .number({ invalid_type_error: "expiresInHours must be a number of hours." })
    .positive("expiresInHours must be more than 0.")
    .max(MAX_INVITE_HOURS, `A link can last at most ${MAX_INVITE_HOURS} hours (30 days).`)
    .default(24 * 7),
  maxUses: z
    .number({ invalid_type_error: "maxUses must be a whole number." })
    .int("maxUses must be a whole number.")
    .min(1, "maxUses must be at least 1.")
    .max(10_000, "maxUses can be at most 10000.")
    .nullish(),
});
export type CreateInviteRequest = z.input<typeof CreateInviteRequest>;

/** An invite link as its document's owners see it (the token only once, when created). */
export const Invite = z.object({
  id: z.string(),
  role: RoleEnum,
  expiresAt: z.string(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Invite = z.infer<typeof Invite>;
export const InviteCreated = Invite.extend({ url: z.string(), token: z.string() });
export type InviteCreated = z.infer<typeof InviteCreated>;
export const InviteList = z.object({ invites: z.array(Invite) });

/** What the invite landing page shows before someone accepts. */
export const InviteLanding = z.object({
  docId: z.string(),
  docTitle: z.string(),
  invitedBy: z.string(),
  hostCompany: z.string(),
  role: RoleEnum,
  expiresAt: z.string(),
  /** Whether the signed-in person (if any) is already a member. */
  alreadyMember: z.boolean(),
});
export type InviteLanding = z.infer<typeof InviteLanding>;

/** Body of `POST /api/invites/:token/accept` for a person without an account (the sign-up fields); empty when signed in. */
export const AcceptInviteRequest = SignupRequest;
export type AcceptInviteRequest = z.infer<typeof AcceptInviteRequest>;
export const AcceptedInvite = z.object({ docId: z.string(), role: RoleEnum });

/** Kinds of entries in a document's activity log. */
export const ACTIVITY_ACTIONS = ["member_added", "member_removed", "role_changed", "invite_created", "invite_used", "invite_revoked"] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

export const ActivityEntry = z.object({
  id: z.number(),
  action: z.enum(ACTIVITY_ACTIONS),
  actor: z.object({ id: z.string(), name: z.string() }),
  target: z.object({ id: z.string(), name: z.string() }).nullable(),
  inviteId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;
export const ActivityList = z.object({ entries: z.array(ActivityEntry) });

/** The signed-in person's organisation and its settings. */
export const OrgSettings = z.object({
  id: z.string(),
  name: z.string(),
  allowExternal: z.boolean(),
  isAdmin: z.boolean(),
  /** The domain whose confirmed addresses join this organisation by themselves, if it owns one. */
  domain: z.string().nullable(),
});
export type OrgSettings = z.infer<typeof OrgSettings>;
export const UpdateOrgRequest = z.object({ allowExternal: z.boolean({ required_error: "allowExternal is required." }) });
