import { z } from "zod";
import { Me, SignupAnswer, type LoginRequest, type SignupRequest } from "@confer/shared";
import { request } from "./http.ts";

const Ok = z.object({ ok: z.literal(true) });

/** The signed-in person; throws ApiRequestError with status 401 when nobody is signed in. */
export function fetchMe(): Promise<Me> {
  return request("GET", "/api/me", Me);
}

/**
 * Asks for an account. On a server that confirms addresses the answer is "check your email"
 * (whether or not the address already has an account); otherwise the signed-in person.
 */
export function signup(body: SignupRequest): Promise<SignupAnswer> {
  return request("POST", "/api/auth/signup", SignupAnswer, body);
}

/** Follows the link from a confirmation email: confirms the address and signs in. */
export function confirmEmail(token: string): Promise<Me> {
  return request("POST", "/api/auth/verify", Me, { token });
}

/** Signs in with email and password. */
export function login(body: LoginRequest): Promise<Me> {
  return request("POST", "/api/auth/login", Me, body);
}

/** Ends the session on the server. */
export async function logout(): Promise<void> {
  await request("POST", "/api/auth/logout", Ok);
}
