import express, { Router } from "express";
import type { Services } from "../../services.ts";

/** Largest webhook body accepted; LiveKit's events are a few kilobytes. */
export const WEBHOOK_BODY_LIMIT = "64kb";

/**
 * `POST /api/livekit/webhook`: LiveKit's signed events. Mounted before the JSON parser: the
 * signature covers the exact bytes, and `application/webhook+json` is read raw.
 */
export function meetingWebhookRoutes({ meetings }: Services): Router {
  const r = Router();
  r.post("/api/livekit/webhook", express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const handler = meetings.webhooks; // a 503 naming the missing settings when not configured
    const body = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const event = await handler.verify(body, req.get("authorization"));
    const outcome = await handler.apply(event);
    res.json({ ok: true, outcome });
  });
  return r;
}
