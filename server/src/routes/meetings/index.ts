import { Router, type Request } from "express";
import { rateLimit } from "express-rate-limit";
import { StartMeetingRequest, type MeetingDetail, type MeetingList, type MeetingStarted, type MeetingToken } from "@confer/shared";
import type { Services } from "../../services.ts";
import type { MeetingRow } from "../../store/meetings.ts";
import { HttpError } from "../../errors.ts";
import { canMeeting } from "../../policies/index.ts";
import { notInMeeting } from "../../meetings/errors.ts";
import { ID_PATTERN } from "../../store/ids.ts";
import { authorizeDoc } from "../docAccess.ts";
import { parseBody } from "../../http/validate.ts";
import { authorizeMeeting } from "./access.ts";

/** Meetings listed per document (newest first). */
const LIST_LIMIT = 50;

const started = (m: MeetingRow): MeetingStarted => ({ id: m.id, docId: m.docId, state: m.state, startedAt: m.startedAt, startedBy: m.startedBy });

/** Meetings: start one from a document, list them, get a token to join, and (hosts) end, mute, remove. */
export function meetingRoutes({ documents, meetings }: Services): Router {
  const r = Router();
  const stores = { documents, meetings: meetings.store };
  // Each start may create a LiveKit room and a row: bounded per person.
  const startLimit = rateLimit({
    limit: 30,
    windowMs: 10 * 60_000,
    keyGenerator: (req) => req.user?.id ?? "anonymous",
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, "rate_limited", "You started too many meetings in a short time. Wait a few minutes and try again.")),
  });

  r.post("/docs/:id/meetings", startLimit, async (req, res) => {
    const access = await authorizeDoc(documents, req, "read");
    if (!canMeeting(access, "start")) throw new HttpError(403, "forbidden", "Only owners and editors of this document can start a meeting.");
    const { record } = parseBody(StartMeetingRequest, req.body);
    const { meeting, created } = await meetings.start(access.doc.id, { id: access.user.id, name: access.user.name }, record ?? false);
    res.status(created ? 201 : 200).json(started(meeting));
  });

  r.get("/docs/:id/meetings", async (req, res) => {
    const { doc } = await authorizeDoc(documents, req, "read");
    const rows = await meetings.store.listForDoc(doc.id, LIST_LIMIT);
    const attendance = await meetings.store.attendance(rows.map((m) => m.id));
    const list: MeetingDetail[] = rows.map((m) => ({
      id: m.id,
      state: m.state,
      startedAt: m.startedAt,
      endedAt: m.endedAt,
      startedBy: m.startedBy,
      attendees: (attendance.get(m.id) ?? []).map((a) => ({ userId: a.userId, name: a.name, company: a.company, external: a.external, joinedAt: a.joinedAt, leftAt: a.leftAt })),
      recording: m.recording,
    }));
    const off = meetings.missingSettings;
    res.json((off.length ? { meetings: list, missingSettings: off } : { meetings: list }) satisfies MeetingList);
  });

  r.post("/meetings/:id/token", async (req, res) => {
    const t0 = performance.now();
    const livekit = meetings.requireLiveKit();
    const access = await authorizeMeeting(stores, req, "join");
    const token = await meetings.mintToken(livekit.connection, access, access.doc, access.meeting, access.meeting.roomName);
    res.set("Server-Timing", `token;dur=${(performance.now() - t0).toFixed(2)}`);
    res.json({ url: livekit.connection.url, token } satisfies MeetingToken);
  });

  r.post("/meetings/:id/end", async (req, res) => {
    meetings.requireLiveKit();
    const { meeting } = await authorizeMeeting(stores, req, "host");
    await meetings.end(meeting, "host");
    res.json(started((await meetings.store.find(meeting.id))!));
  });

  const target = (req: Request) => {
    const userId = String(req.params.userId);
    if (!ID_PATTERN.test(userId)) throw notInMeeting();
    return userId;
  };

  r.post("/meetings/:id/participants/:userId/mute", async (req, res) => {
    const livekit = meetings.requireLiveKit();
    const { meeting } = await authorizeMeeting(stores, req, "host");
    if (meeting.state !== "live" || !(await livekit.muteAudio(meeting.roomName, target(req)))) throw notInMeeting();
    res.json({ ok: true });
  });

  r.delete("/meetings/:id/participants/:userId", async (req, res) => {
    const livekit = meetings.requireLiveKit();
    const { meeting } = await authorizeMeeting(stores, req, "host");
    if (meeting.state !== "live" || !(await livekit.removeParticipant(meeting.roomName, target(req)))) throw notInMeeting();
    res.json({ ok: true });
  });
  return r;
}
