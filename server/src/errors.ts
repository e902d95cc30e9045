import type { ErrorRequestHandler } from "express";
import type { Logger } from "./logger.ts";
import { isBusyError } from "./store/db.ts";
import { redactPath } from "./http/requestLog.ts";

/** An error with an HTTP status, a stable id and a message a person can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, id = "bad_request") => new HttpError(400, id, message);
export const unauthorized = (message = "Please sign in.") => new HttpError(401, "unauthorized", message);
export const forbidden = (message = "You are not allowed to do that.") => new HttpError(403, "forbidden", message);
export const notFound = (message = "Not found.") => new HttpError(404, "not_found", message);
export const conflict = (message: string, id = "conflict") => new HttpError(409, id, message);

/**
 * The database cannot take the request right now: SQLite's write lock is held by another program (a
 * backup, a maintenance script), or PostgreSQL is unreachable or restarting. Nothing was changed.
 */
export const storageBusy = () =>
  new HttpError(503, "storage_busy", "The server's database is busy or unreachable right now, so nothing was changed. Please try again in a few seconds.");

/** Something that existed and is used up or expired for good (a link followed twice, say). */
export const gone = (message: string, id = "gone") => new HttpError(410, id, message);
/** A rate limit was reached; the message says how long to wait. */
export const tooManyRequests = (message: string) => new HttpError(429, "rate_limited", message);

/** Whether an error is the database refusing a duplicate (two requests raced for one unique thing). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}

/** Turns any error into `{ error: { id, message } }`; never leaks a stack trace. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { id: err.id, message: err.message } });
      return;
    }
    if (isBusyError(err)) {
      log.warn({ method: req.method }, "database busy; request refused");
      const busy = storageBusy();
      res.status(busy.status).set("Retry-After", "5").json({ error: { id: busy.id, message: busy.message } });
      return;
    }
    // Errors raised by body-parser and friends carry a 4xx status and `expose`.
    const status = typeof err?.status === "number" ? err.status : typeof err?.statusCode === "number" ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const message =
        err?.type === "entity.too.large"
          ? "The request body is too large."
          : err?.type === "entity.parse.failed"
            ? "The request body is not valid JSON."
            : "The request could not be understood.";
      res.status(status).json({ error: { id: err?.type ?? "bad_request", message } });
      return;
    }
    if (isUniqueViolation(err)) {
      // A race no route foresaw: the other request won. The person gets a 409 that says so, not a 500.
      log.warn({ method: req.method, path: redactPath(req.originalUrl), code: err.code }, "request lost a race");
      res.status(409).json({ error: { id: "conflict", message: "Someone else changed this at the same moment. Reload and try again." } });
      return;
    }
    // Only the redacted path (URLs carry invite tokens) and the error's own fields: libraries hang
    // request data on their errors, and the logger would print every property it finds.
    log.error({ err: { type: err?.name, code: err?.code, message: err?.message, stack: err?.stack }, method: req.method, path: redactPath(req.originalUrl) }, "request failed");
    res.status(500).json({ error: { id: "internal", message: "Something went wrong on our side. Please try again." } });
  };
}
