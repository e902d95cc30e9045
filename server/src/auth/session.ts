import type { IncomingMessage } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import type { SessionInfo, SessionStore } from "../store/sessions.ts";
import type { User, UserStore } from "../store/users.ts";
import { unauthorized } from "../errors.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "confer_sid";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in user, set by `Authenticator.middleware`. */
      user?: User;
    }
  }
}

/** Reads one cookie from a raw Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Resolves the signed-in user of an HTTP request or WebSocket upgrade from its session cookie. */
export class Authenticator {
  constructor(
    private readonly sessions: SessionStore,
    private readonly users: UserStore,
  ) {}

  async userFor(req: IncomingMessage): Promise<User | undefined> {
    return (await this.sessionFor(req))?.user;
  }

  /** The signed-in user with the session they are signed in with (for connections that must end with it). */
  async sessionFor(req: IncomingMessage): Promise<{ user: User; session: SessionInfo } | undefined> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token || token.length > 200) return undefined;
    const session = await this.sessions.lookup(token);
    const user = session && (await this.users.findById(session.userId));
    return user && session ? { user, session } : undefined;
  }

  /** Whether a session (by its stored id) is still live. */
  isLive(idHash: string): Promise<boolean> {
    return this.sessions.isLive(idHash);
  }

  /** Middleware that sets `req.user` when a valid session cookie is present. */
  middleware(): RequestHandler {
    return async (req, _res, next) => {
      try {
        req.user = await this.userFor(req);
        next();
      } catch (err) {
        next(err);
      }
    };
  }

  /** Starts a session and sets its cookie: httpOnly, SameSite=Lax, Secure over https. */
  async signIn(req: Request, res: Response, userId: string): Promise<void> {
    const { token, expiresAt } = await this.sessions.create(userId);
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/", expires: expiresAt });
  }

  /** Ends the request's session and clears its cookie; returns the ended session's id, if there was one. */
  async signOut(req: Request, res: Response): Promise<string | undefined> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const ended = token ? await this.sessions.destroy(token) : undefined;
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
    return ended;
  }
}

/** The signed-in user of a request, or a 401. */
export function requireUser(req: Request): User {
  if (!req.user) throw unauthorized();
  return req.user;
}
