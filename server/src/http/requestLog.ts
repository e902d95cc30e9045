import type { RequestHandler } from "express";
import type { Logger } from "../logger.ts";

/**
 * Path with secrets cut out: invite tokens travel in the URL and must never reach the logs. Besides
 * the known places, any segment long enough to be a token (ids are 16 characters, tokens 43) goes too.
 */
export function redactPath(path: string): string {
  return path
    .replace(/\?.*$/, "")
    .replace(/\/((?:org-)?invites)\/[^/]+/g, "/$1/:token")
    .replace(/\/[A-Za-z0-9_-]{32,}(?=\/|$)/g, "/:secret");
}

/** One structured log line per API request: method, redacted path, status, duration. */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on("finish", () => {
      const line = {
        method: req.method,
        path: redactPath(req.originalUrl),
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: req.user?.id,
      };
      if (res.statusCode >= 500) log.error(line, "request");
      else log.info(line, "request");
    });
    next();
  };
}
