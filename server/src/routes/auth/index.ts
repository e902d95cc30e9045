import { Router } from "express";
import { rateLimit } from "express-rate-limit";
import { LoginRequest, SignupRequest, type Me } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { User } from "../../store/users.ts";
import { parseBody } from "../../http/validate.ts";
import { companyTaken, conflict, HttpError } from "../../errors.ts";
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from "../../auth/password.ts";
import { requireUser } from "../../auth/session.ts";
import { canJoinOrg } from "../../policies/index.ts";

/** The public shape of the signed-in user. */
export const toMe = (u: User): Me => ({ id: u.id, name: u.name, email: u.email, company: u.company, orgId: u.orgId, color: u.color });

const tooMany = (message: string) => ({
  limit: 20,
  windowMs: 10 * 60_000,
  standardHeaders: "draft-8" as const,
  legacyHeaders: false,
  skipSuccessfulRequests: true,
  handler: (_req: unknown, _res: unknown, next: (err: unknown) => void) => next(new HttpError(429, "rate_limited", message)),
});

/** Sign up, sign in, sign out and `GET /api/me`. */
export function authRoutes({ users, orgs, auth }: Services): Router {
  const r = Router();
  const loginLimit = rateLimit(tooMany("Too many failed sign-in attempts. Wait a few minutes and try again."));
  const signupLimit = rateLimit(tooMany("Too many failed sign-up attempts. Wait a few minutes and try again."));

  r.post("/auth/signup", signupLimit, async (req, res) => {
    const body = parseBody(SignupRequest, req.body);
    if (await users.emailExists(body.email)) throw conflict("An account with this email already exists. Sign in instead.", "email_taken");
    const claimed = await orgs.findByName(body.company);
    if (claimed && !canJoinOrg(claimed, body.email)) throw companyTaken(claimed.name);
    const user = await users.create({ ...body, passwordHash: await hashPassword(body.password) });
    await auth.signIn(req, res, user.id);
    res.status(201).json(toMe(user));
  });

  r.post("/auth/login", loginLimit, async (req, res) => {
    const body = parseBody(LoginRequest, req.body);
    const found = await users.findByEmailWithHash(body.email);
    const ok = await verifyPassword(body.password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok) throw new HttpError(401, "bad_credentials", "That email and password do not match an account.");
    // Hashes made with a weaker cost than today's are upgraded now, the one moment we hold the password.
    if (needsRehash(found.passwordHash)) await users.replacePasswordHash(found.id, found.passwordHash, await hashPassword(body.password));
    await auth.signIn(req, res, found.id);
    const { passwordHash: _omit, ...user } = found;
    res.json(toMe(user));
  });

  r.post("/auth/logout", async (req, res) => {
    await auth.signOut(req, res);
    res.json({ ok: true });
  });

  r.get("/me", (req, res) => {
    res.json(toMe(requireUser(req)));
  });
  return r;
}
