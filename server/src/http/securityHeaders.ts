import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import helmet from "helmet";

/** How long browsers remember to use https only, once they saw it over https (one year). */
const HSTS_MAX_AGE = 365 * 24 * 3600;

// A Host header is put into the policy only when it is plainly a host name and port, so no header
// can add directives of its own.
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Whether a request is served over https: PUBLIC_URL says so, or the request itself is secure
 * (directly, or as reported by a proxy that TRUST_PROXY believes).
 */
export function isHttps(req: Pick<Request, "secure">, publicUrl: string | undefined): boolean {
  return publicUrl?.startsWith("https:") === true || req.secure;
}

/**
 * Where the page may open connections: itself, and the WebSocket endpoint of the one host it is
 * served from (PUBLIC_URL's, or else the request's own), with ws or wss matching http or https.
 * Never a bare `ws:`/`wss:`, which would let an injected script send the document anywhere.
 */
export function connectSources(req: Pick<Request, "secure" | "headers">, publicUrl: string | undefined): string[] {
  if (publicUrl) {
    const url = new URL(publicUrl);
    return ["'self'", `${url.protocol === "https:" ? "wss" : "ws"}://${url.host}`];
  }
  const host = req.headers.host;
  if (!host || !HOST_PATTERN.test(host)) return ["'self'"];
  return ["'self'", `${req.secure ? "wss" : "ws"}://${host}`];
}

/**
 * Security headers for every response: helmet's defaults, a CSP whose `connect-src` names only our
 * own endpoints, and HSTS when served over https (it would mean nothing, or lock people out of a
 * plain-http install, otherwise). `otherSources` are further hosts the page talks to (LiveKit).
 */
export function securityHeaders(publicUrl: string | undefined, otherSources: string[] = []): RequestHandler[] {
  const hsts = helmet.strictTransportSecurity({ maxAge: HSTS_MAX_AGE, includeSubDomains: true });
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "connect-src": [(req: IncomingMessage, _res: ServerResponse) => [...connectSources(req as Request, publicUrl), ...otherSources].join(" ")],
          "style-src": ["'self'", "'unsafe-inline'"],
          "img-src": ["'self'", "data:"],
          "upgrade-insecure-requests": null,
        },
      },
      strictTransportSecurity: false,
    }),
    (req, res, next) => (isHttps(req, publicUrl) ? hsts(req, res, next) : next()),
  ];
}
