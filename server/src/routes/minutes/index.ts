import { Router, type Request } from "express";
import { rateLimit } from "express-rate-limit";
import { RecordingToggle, type MeetingStarted } from "@confer/shared";
import type { Services } from "../../services.ts";
import { HttpError } from "../../errors.ts";
import { parseBody } from "../../http/validate.ts";
import { canMinutes, type MinutesAction } from "../../policies/index.ts";
import { notHost } from "../../meetings/errors.ts";
import { noSuchRecording } from "../../minutes/errors.ts";
import { authorizeMeeting, type MeetingAccess } from "../meetings/access.ts";

/** A recording's file name as the minutes link to it (`<track sid>-<n>.ogg`); only names of the meeting's recordings are served. */
const FILE_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/**
 * Recording and minutes: hosts turn recording on and off and try failed minutes again; members read
 * the minutes and play the recordings (with range requests, so a player can seek).
 */
export function minutesRoutes({ documents, meetings, minutes }: Services): Router {
  const r = Router();
  const stores = { documents, meetings: meetings.store };
  // Each switch may start or stop egresses at LiveKit: bounded per person (and egresses per meeting).
  const switchLimit = rateLimit({
    limit: 60,
    windowMs: 10 * 60_000,
    keyGenerator: (req) => req.user?.id ?? "anonymous",
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, "rate_limited", "Recording was switched too often. Wait a few minutes and try again.")),
  });

  /** The meeting of the request, if the signed-in person may do `action` with its minutes (404 for non-members). */
  const authorize = async (req: Request, action: MinutesAction): Promise<MeetingAccess> => {
    const access = await authorizeMeeting(stores, req, "view");
    if (!canMinutes(access, action, access.meeting)) throw notHost();
    return access;
  };

  r.post("/meetings/:id/recording", switchLimit, async (req, res) => {
    const { meeting } = await authorize(req, "record");
    const { on } = parseBody(RecordingToggle, req.body);
    const m = await minutes.setRecording(meeting, on);
    res.json({ id: m.id, docId: m.docId, state: m.state, startedAt: m.startedAt, startedBy: m.startedBy, recording: m.recording } satisfies MeetingStarted & { recording: boolean });
  });

  r.get("/meetings/:id/minutes", async (req, res) => {
    const { meeting } = await authorize(req, "view");
    res.json(await minutes.view(meeting));
  });

  r.post("/meetings/:id/minutes/retry", async (req, res) => {
    const { meeting } = await authorize(req, "retry");
    await minutes.retry(meeting);
    res.status(202).json(await minutes.view(meeting));
  });

  r.get("/meetings/:id/recordings/:file", async (req, res) => {
    const { meeting } = await authorize(req, "play");
    const file = String(req.params.file);
    // Streamed from RECORDINGS_DIR or the bucket with Range support (206 with Content-Range, 416 outside the recording).
    if (!FILE_PATTERN.test(file) || !(await minutes.serveRecording(meeting.id, file, req, res))) throw noSuchRecording();
  });
  return r;
}
