import WebSocket from "ws";
import * as decoding from "lib0/decoding";
import { NOTICE_MESSAGE, readNotice, type MeetingNotice, type MinutesNotice } from "@confer/shared";
import { LiveKitDouble, type DoubleOptions } from "@confer/livekit-double";
import { api, startMailServer, TEST_PUBLIC_URL, waitFor, type TestUser } from "./helpers.ts";

/** A Confer server wired to a LiveKit double (and the double's webhooks to the server). */
export interface MeetingWorld {
  server: Awaited<ReturnType<typeof startMailServer>>;
  double: LiveKitDouble;
  webhookUrl: string;
  close(): Promise<void>;
}

/** Starts a LiveKit double and a Confer server configured for it (LIVEKIT_URL = the double). */
export async function startMeetingWorld(opts: DoubleOptions = {}): Promise<MeetingWorld> {
  const double = await LiveKitDouble.start({ peer: false, departureMs: 100, ...opts });
  const server = await startMailServer({ LIVEKIT_URL: double.url, LIVEKIT_API_KEY: double.apiKey, LIVEKIT_API_SECRET: double.apiSecret });
  const webhookUrl = `${server.url}/api/livekit/webhook`;
  double.webhooks.url = webhookUrl;
  return {
    server,
    double,
    webhookUrl,
    close: async () => {
      await double.close();
      await server.close();
    },
  };
}

/** Starts a meeting of `docId` as `who` and returns its id. */
export async function startMeeting(baseUrl: string, docId: string, who: TestUser): Promise<string> {
  const res = await api(baseUrl, "POST", `/api/docs/${docId}/meetings`, { cookie: who.cookie });
  if (res.status !== 201 && res.status !== 200) throw new Error(`start failed: ${res.status} ${res.text}`);
  return res.json.id;
}

/** Gets a meeting token as `who`. */
export async function meetingToken(baseUrl: string, meetingId: string, who: TestUser): Promise<{ url: string; token: string }> {
  const res = await api(baseUrl, "POST", `/api/meetings/${meetingId}/token`, { cookie: who.cookie });
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${res.text}`);
  return res.json;
}

/** A document page's side channel: the sync socket with `?notices=1`, keeping the meeting notices. */
export async function openPage(baseUrl: string, docId: string, who: TestUser) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/collab/${docId}?notices=1`, { headers: { cookie: who.cookie, origin: TEST_PUBLIC_URL } });
  const notices: MeetingNotice[] = [];
  const minutes: MinutesNotice[] = [];
  ws.on("message", (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== NOTICE_MESSAGE) return;
    const notice = readNotice(decoder);
    if (notice?.type === "meeting") notices.push(notice);
    if (notice?.type === "minutes") minutes.push(notice);
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return {
    notices,
    /** The minutes notices received, in order. */
    minutes,
    /** Waits for a minutes notice matching `check`. */
    waitMinutes: (check: (n: MinutesNotice) => boolean, what: string, timeoutMs = 10_000) => waitFor(() => minutes.find(check), what, timeoutMs),
    /** Waits for a meeting notice matching `check`, among those from index `from` on. */
    waitNotice: (check: (n: MeetingNotice) => boolean, what: string, from = 0) => waitFor(() => notices.slice(from).find(check), what),
    close: () => ws.close(),
  };
}
