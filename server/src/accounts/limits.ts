import type { Request, RequestHandler } from "express";
import { rateLimit, type Options } from "express-rate-limit";
import { tooManyRequests } from "../errors.ts";

const MINUTE = 60_000;

function limiter(options: Partial<Options> & { message: string }): RequestHandler {
  const { message, ...rest } = options;
  return rateLimit({
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(tooManyRequests(message)),
    ...rest,
  });
}

/** The address a request is about (sign-in or sign-up body), normalised as the contracts normalise it. */
function addressOf(req: Request): string {
  const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? `email:${email.trim().toLowerCase().slice(0, 254)}` : "email:";
}

/** The rate limits of accounts, made once per server so that every route counts into the same buckets. */
export interface AuthLimits {
  accountCreation: RequestHandler;
  signupPerAddress: RequestHandler;
  loginPerClient: RequestHandler;
  loginPerAccount: RequestHandler;
}

/** Builds the account rate limits of one server. */
export function createAuthLimits(signupsPerHour: number): AuthLimits {
  return {
    accountCreation: accountCreationLimit(signupsPerHour),
    signupPerAddress: signupPerAddressLimit(),
    loginPerClient: loginPerClientLimit(),
    loginPerAccount: loginPerAccountLimit(),
  };
}

/**
 * New accounts one client address may start per hour: sign-ups, guests joining through a link,
 * people accepting an organisation invitation. Every attempt counts, successful or not.
 * Signed-in people accepting a link create nothing and are not counted.
 */
export function accountCreationLimit(perHour: number): RequestHandler {
  return limiter({
    limit: perHour,
    windowMs: 60 * MINUTE,
    skip: (req) => !!req.user,
    message: "Too many new accounts from your network. Wait an hour and try again, or sign in if you already have an account.",
  });
}

/** Sign-up attempts per email address, wherever they come from: each one sends that address an email. */
export function signupPerAddressLimit(): RequestHandler {
  return limiter({
    limit: 5,
    windowMs: 60 * MINUTE,
    keyGenerator: addressOf,
    message: "Too many sign-ups with this email address. Check your inbox for the emails already sent, or wait an hour.",
  });
}

/** Failed sign-ins per client address (guessing many accounts' passwords from one place). */
export function loginPerClientLimit(): RequestHandler {
  return limiter({
    limit: 20,
    windowMs: 10 * MINUTE,
    skipSuccessfulRequests: true,
    message: "Too many failed sign-in attempts from your network. Wait a few minutes and try again.",
  });
}

/**
 * Failed sign-ins per account, from anywhere (guessing one person's password from many places).
 * While it holds, even the right password is refused: that is what stops a distributed guesser.
 */
export function loginPerAccountLimit(): RequestHandler {
  return limiter({
    limit: 10,
    windowMs: 15 * MINUTE,
    skipSuccessfulRequests: true,
    keyGenerator: addressOf,
    // Requests without an address (a signed-in person accepting a link) have no account to count against.
    skip: (req) => typeof (req.body as { email?: unknown } | undefined)?.email !== "string",
    message: "Too many failed sign-in attempts for this account. Wait 15 minutes and try again.",
  });
}
