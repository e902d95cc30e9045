import type { ErrorRequestHandler } from "express";
import type { Logger } from "./logger.ts";
import { isBusyError } from "./store/db.ts";

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

/** The database's write lock is held by another program (a backup, a maintenance script): nothing was changed. */
export const storageBusy = () =>
  new HttpError(503, "storage_busy", "The server's database is busy with another program right now, so nothing was changed. Please try again in a few seconds.");

/** Refusal for naming an existing company without an email address of its domain. */
export const companyTaken = (company: string) =>
  conflict(
    `${company} already has an organisation here, and your email address is not from its domain. Sign up with your work email, or enter your own company's name.`,
    "company_taken",
  );

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
    log.error({ err, method: req.method, url: req.originalUrl }, "request failed");
    res.status(500).json({ error: { id: "internal", message: "Something went wrong on our side. Please try again." } });
  };
}
