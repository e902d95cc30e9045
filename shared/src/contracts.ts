import { z } from "zod";
import { ROLES } from "./roles.ts";

/** Text a person types as a name: trimmed, non-empty, bounded. Rendered as text everywhere. */
const personText = (what: string, max: number) =>
  z
    .string({ required_error: `${what} is required.` })
    .trim()
    .min(1, `${what} is required.`)
    .max(max, `${what} must be at most ${max} characters.`);

export const SignupRequest = z.object({
  name: personText("Name", 100),
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(254),
  password: z.string().min(8, "Password must be at least 8 characters.").max(200),
  company: personText("Company", 100),
});
export type SignupRequest = z.infer<typeof SignupRequest>;

export const LoginRequest = z.object({
  email: z.string().trim().toLowerCase().min(1, "Email is required.").max(254),
  password: z.string().min(1, "Password is required.").max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const Me = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  company: z.string(),
  orgId: z.string(),
  color: z.string(),
  /** Whether this person proved they receive mail at `email`. (Defaults for a `Me` remembered offline by an older version.) */
  emailVerified: z.boolean().default(false),
});
export type Me = z.infer<typeof Me>;

export const RoleSchema = z.enum(ROLES);

export const DocSummary = z.object({
  id: z.string(),
  title: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DocSummary = z.infer<typeof DocSummary>;

export const CreateDocRequest = z.object({ title: z.string().trim().max(200, "Title must be at most 200 characters.").optional() });
export const UpdateDocRequest = z.object({ title: z.string().trim().max(200, "Title must be at most 200 characters.") });

export const DocList = z.object({ docs: z.array(DocSummary) });

/** The JSON body of every REST error. */
export const ApiError = z.object({ error: z.object({ id: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;

/** Identity the server stamps into a connection's awareness `user` field. */
export const AwarenessUser = z.object({
  id: z.string(),
  name: z.string(),
  company: z.string(),
  color: z.string(),
  external: z.boolean(),
});
export type AwarenessUser = z.infer<typeof AwarenessUser>;

/** Titles shown when a document has none. */
export const UNTITLED = "Untitled";
