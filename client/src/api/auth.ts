import { z } from "zod";
import { Me, type LoginRequest, type SignupRequest } from "@confer/shared";
import { request } from "./http.ts";

const Ok = z.object({ ok: z.literal(true) });

/** The signed-in person; throws ApiRequestError with status 401 when nobody is signed in. */
export function fetchMe(): Promise<Me> {
  return request("GET", "/api/me", Me);
}

/** Creates an account and signs it in. */
export function signup(body: SignupRequest): Promise<Me> {
  return request("POST", "/api/auth/signup", Me, body);
}

/** Signs in with email and password. */
export function login(body: LoginRequest): Promise<Me> {
  return request("POST", "/api/auth/login", Me, body);
}

/** Ends the session on the server. */
export async function logout(): Promise<void> {
  await request("POST", "/api/auth/logout", Ok);
}
