import type { ZodType, ZodTypeDef } from "zod";
import { badRequest } from "../errors.ts";

/** Parses a request body with a shared zod schema; a bad body is a 400 naming the first problem. */
export function parseBody<T>(schema: ZodType<T, ZodTypeDef, unknown>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".");
  const message = issue?.message ?? "The request is not valid.";
  throw badRequest(issue?.code === "invalid_type" && field ? `${field}: ${message}` : message, "invalid_input");
}
