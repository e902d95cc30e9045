import { z } from "zod";
import { MeetingStarted, MinutesView } from "@confer/shared";
import { request } from "./http.ts";

const id = encodeURIComponent;

/** Turns "Record and take minutes" on or off for a live meeting (hosts). */
export async function setRecording(meetingId: string, on: boolean): Promise<boolean> {
  const answer = await request("POST", `/api/meetings/${id(meetingId)}/recording`, MeetingStarted.extend({ recording: z.boolean() }), { on });
  return answer.recording;
}

/** A meeting's minutes: where they are, and once done the transcript, actions and recordings (members). */
export function getMinutes(meetingId: string): Promise<MinutesView> {
  return request("GET", `/api/meetings/${id(meetingId)}/minutes`, MinutesView);
}

/** "Try again" for failed minutes (hosts). */
export function retryMinutes(meetingId: string): Promise<MinutesView> {
  return request("POST", `/api/meetings/${id(meetingId)}/minutes/retry`, MinutesView, {});
}

/** Where a meeting's recording is played from (same origin; the server answers range requests). */
export function recordingPath(meetingId: string, file: string): string {
  return `/api/meetings/${id(meetingId)}/recordings/${id(file)}`;
}
