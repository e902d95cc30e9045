import type { ZodType, ZodTypeDef } from "zod";
import { ApiError } from "@confer/shared";
import { ApiRequestError } from "./errors.ts";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * Calls a JSON endpoint of our own server and validates the answer with `schema`.
 * Throws ApiRequestError with a human message for network failures and error statuses.
 */
export async function request<T>(
  method: Method,
  path: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
  body?: unknown,
  /** Sees the response of a successful call (for callers that need its status). */
  onResponse?: (res: Response) => void,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw ApiRequestError.network();
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = ApiError.safeParse(json);
    throw ApiRequestError.http(res.status, parsed.success ? parsed.data.error.message : undefined, parsed.success ? parsed.data.error.id : undefined);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw ApiRequestError.invalidResponse();
  onResponse?.(res);
  return parsed.data;
}
