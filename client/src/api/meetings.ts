import { z } from "zod";
import { MeetingList, MeetingStarted, MeetingToken } from "@confer/shared";
import { request } from "./http.ts";

const Ok = z.object({ ok: z.literal(true) });
const id = encodeURIComponent;

/** Starts a meeting of a document, or joins the one already live (`created` says which). */
export async function startMeeting(docId: string): Promise<{ meeting: MeetingStarted; created: boolean }> {
  // The status is what tells a new meeting from the live one, so this call reads it itself.
  let status = 0;
  const meeting = await request("POST", `/api/docs/${id(docId)}/meetings`, MeetingStarted, {}, (res) => (status = res.status));
  return { meeting, created: status === 201 };
}

/** A document's meetings with attendance, newest first (and the missing settings when meetings are off). */
export function listMeetings(docId: string): Promise<MeetingList> {
  return request("GET", `/api/docs/${id(docId)}/meetings`, MeetingList);
}

/** A LiveKit URL and token to join a live meeting; 409 `meeting_ended` once it has ended. */
export function meetingToken(meetingId: string): Promise<MeetingToken> {
  return request("POST", `/api/meetings/${id(meetingId)}/token`, MeetingToken, {});
}

/** Ends a meeting for everyone (hosts). */
export async function endMeeting(meetingId: string): Promise<void> {
  await request("POST", `/api/meetings/${id(meetingId)}/end`, MeetingStarted, {});
}

/** Mutes someone's microphone in a meeting (hosts; done by the server through LiveKit). */
export async function muteParticipant(meetingId: string, userId: string): Promise<void> {
  await request("POST", `/api/meetings/${id(meetingId)}/participants/${id(userId)}/mute`, Ok, {});
}

/** Removes someone from a meeting (hosts; done by the server through LiveKit). */
export async function removeParticipant(meetingId: string, userId: string): Promise<void> {
  await request("DELETE", `/api/meetings/${id(meetingId)}/participants/${id(userId)}`, Ok);
}
