import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { HttpError } from "../errors.ts";

/**
 * Whether a browser request comes from our own pages. The Origin must equal PUBLIC_URL when set,
 * else the scheme and host the request was made to. Requests without Origin (non-browser clients,
 * which carry no ambient cookies from other sites) pass; browsers always send it on WebSocket
 * upgrades and on state-changing fetches.
 */
export function isAllowedOrigin(req: IncomingMessage, publicUrl: string | undefined, secure: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers["sec-fetch-site"];
    return site === undefined || site === "same-origin" || site === "none";
  }
  if (publicUrl) return origin === publicUrl;
  const host = req.headers.host;
  if (!host) return false;
  try {
    const o = new URL(origin);
    return o.host === host && (o.protocol === "https:" || (!secure && o.protocol === "http:"));
  } catch {
    return false;
  }
}

/** Refuses state-changing requests from other sites with 403 (CSRF protection). */
export function originCheck(publicUrl: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    if (isAllowedOrigin(req, publicUrl, req.secure)) return next();
    next(new HttpError(403, "bad_origin", "This request came from another site and was refused."));
  };
}
