import { Router } from "express";
import { LoginRequest, SignupRequest, VerifyEmailRequest, type CheckEmail, type Me } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { User } from "../../store/users.ts";
import { parseBody } from "../../http/validate.ts";
import { HttpError } from "../../errors.ts";
import { requireUser } from "../../auth/session.ts";

/** The public shape of the signed-in user. */
export const toMe = (u: User): Me => ({
  id: u.id,
  name: u.name,
  email: u.email,
  company: u.company,
  orgId: u.orgId,
  color: u.color,
  emailVerified: u.emailVerified,
});

/**
 * Sign up, confirm an address, sign in, sign out and `GET /api/me`. The answer to a sign-up never
 * says whether the address already has an account (see `AccountService`).
 */
export function authRoutes({ accounts, auth, limits, collab }: Services): Router {
  const r = Router();

  r.post("/auth/signup", limits.accountCreation, limits.signupPerAddress, limits.loginPerAccount, async (req, res) => {
    const body = parseBody(SignupRequest, req.body);
    if (accounts.canConfirmEmail) {
      await accounts.requestSignup(body);
      res.status(202).json({ status: "check_email", email: body.email } satisfies CheckEmail);
      return;
    }
    // No way to prove the address: a new account of one's own (its own organisation), or the
    // account these credentials already open. Both answer 201 with the signed-in person.
    const { user } = await accounts.signInOrCreate(body, { company: body.company });
    await auth.signIn(req, res, user.id);
    res.status(201).json(toMe(user));
  });

  r.post("/auth/verify", limits.loginPerClient, async (req, res) => {
    const { token } = parseBody(VerifyEmailRequest, req.body);
    const user = await accounts.confirm(token);
    await auth.signIn(req, res, user.id);
    res.json(toMe(user));
  });

  r.post("/auth/login", limits.loginPerClient, limits.loginPerAccount, async (req, res) => {
    const body = parseBody(LoginRequest, req.body);
    const user = await accounts.signIn(body.email, body.password);
    if (!user) throw new HttpError(401, "bad_credentials", "That email and password do not match an account.");
    await auth.signIn(req, res, user.id);
    res.json(toMe(user));
  });

  r.post("/auth/logout", async (req, res) => {
    const ended = await auth.signOut(req, res);
    if (ended) collab.endSession(ended);
    res.json({ ok: true });
  });

  r.get("/me", (req, res) => {
    res.json(toMe(requireUser(req)));
  });
  return r;
}
