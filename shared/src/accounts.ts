import { z } from "zod";
import { Me, SignupRequest } from "./contracts.ts";

/** The answer to a sign-up when the server mails a confirmation link: the same whether or not the address has an account. */
export const CheckEmail = z.object({ status: z.literal("check_email"), email: z.string() });
export type CheckEmail = z.infer<typeof CheckEmail>;

/** `POST /api/auth/signup` answers 201 with the new account (no email on this server) or 202 `CheckEmail`. */
export const SignupAnswer = z.union([Me, CheckEmail]);
export type SignupAnswer = z.infer<typeof SignupAnswer>;

/** Body of `POST /api/auth/verify`: the token from the emailed link. */
export const VerifyEmailRequest = z.object({
  token: z.string({ required_error: "The confirmation link is incomplete." }).min(20, "The confirmation link is incomplete.").max(200),
});
export type VerifyEmailRequest = z.infer<typeof VerifyEmailRequest>;

/** Longest an organisation invitation may live: 30 days. */
export const MAX_ORG_INVITE_HOURS = 24 * 30;

/** Body of `POST /api/org/invites` (admins): how long the invitation works and how many people it lets in. */
export const CreateOrgInviteRequest = z.object({
  expiresInHours: z
    .number({ invalid_type_error: "expiresInHours must be a number of hours." })
    .positive("expiresInHours must be more than 0.")
    .max(MAX_ORG_INVITE_HOURS, `An invitation can last at most ${MAX_ORG_INVITE_HOURS} hours (30 days).`)
    .default(24 * 7),
  maxUses: z
    .number({ invalid_type_error: "maxUses must be a whole number." })
    .int("maxUses must be a whole number.")
    .min(1, "maxUses must be at least 1.")
    .max(1000, "maxUses can be at most 1000.")
    .default(1),
});
export type CreateOrgInviteRequest = z.input<typeof CreateOrgInviteRequest>;

/** An invitation into the organisation, as its admins see it (the token only once, when created). */
export const OrgInvite = z.object({
  id: z.string(),
  expiresAt: z.string(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type OrgInvite = z.infer<typeof OrgInvite>;
export const OrgInviteCreated = OrgInvite.extend({ url: z.string(), token: z.string() });
export type OrgInviteCreated = z.infer<typeof OrgInviteCreated>;
export const OrgInviteList = z.object({ invites: z.array(OrgInvite) });

/** What the page of an organisation invitation shows before someone accepts. */
export const OrgInviteLanding = z.object({
  orgName: z.string(),
  invitedBy: z.string(),
  expiresAt: z.string(),
  /** Whether the signed-in person (if any) already belongs to this organisation. */
  alreadyInOrg: z.boolean(),
});
export type OrgInviteLanding = z.infer<typeof OrgInviteLanding>;

/** Body of `POST /api/org-invites/:token/accept` without an account: the company is the inviting one. Empty when signed in. */
export const AcceptOrgInviteRequest = SignupRequest.omit({ company: true });
export type AcceptOrgInviteRequest = z.infer<typeof AcceptOrgInviteRequest>;
export const OrgJoined = z.object({ orgId: z.string(), orgName: z.string() });
export type OrgJoined = z.infer<typeof OrgJoined>;
