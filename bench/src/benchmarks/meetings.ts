import { WebSocket } from "ws";
import * as decoding from "lib0/decoding";
import { LiveKitDouble } from "@confer/livekit-double";
import { ms, printTable } from "../lib/format.ts";
import { percentile } from "../lib/LatencyBook.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";

/** What the meetings benchmark measured. */
export interface MeetingsResult {
  pages: number;
  rounds: number;
  /** "Start meeting" request → live notice on each open page (ms). */
  notice: { p50: number; p99: number; max: number };
  /** Round trip of the start request itself. */
  startRequest: { p50: number; p99: number };
  /** Server time of a token request (Server-Timing), and its round trip. */
  tokenServer: { p50: number; p99: number };
  tokenRoundTrip: { p50: number; p99: number };
}

const PAGES = Number(process.env.BENCH_MEETING_PAGES ?? 100);
const ROUNDS = Number(process.env.BENCH_MEETING_ROUNDS ?? 20);
const TOKENS = Number(process.env.BENCH_MEETING_TOKENS ?? 500);
const NOTICE_MESSAGE = 100;

/** An open document page at the protocol level: the sync socket with `?notices=1`, timestamping meeting notices. */
class NoticePage {
  readonly ws: WebSocket;
  /** Resolves on the first frame: the server has admitted the connection into the document. */
  readonly joined: Promise<void>;
  private waiter: { meetingId?: string; state: string; resolve: (at: number) => void } | undefined;
  private readonly seen: { meetingId: string; state: string; at: number }[] = [];

  constructor(port: number, docId: string, cookie: string) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/collab/${docId}?notices=1`, { headers: { cookie }, perMessageDeflate: false });
    let joined!: () => void;
    this.joined = new Promise((r) => (joined = r));
    this.ws.on("message", (data: Buffer) => {
      const at = performance.now();
      joined();
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== NOTICE_MESSAGE) return;
      const notice = JSON.parse(decoding.readVarString(d)) as { type: string; meetingId: string; state: string };
      if (notice.type !== "meeting") return;
      this.seen.push({ meetingId: notice.meetingId, state: notice.state, at });
      this.check();
    });
  }

  /** Resolves with the arrival time of the first notice in `state` (for `meetingId`, when given) not yet consumed. */
  next(state: string, meetingId?: string): Promise<number> {
    return new Promise((resolve) => {
      this.waiter = { state, meetingId, resolve };
      this.check();
    });
  }

  private check(): void {
    const w = this.waiter;
    if (!w) return;
    const i = this.seen.findIndex((n) => n.state === w.state && (!w.meetingId || n.meetingId === w.meetingId));
    if (i < 0) return;
    const [hit] = this.seen.splice(0, i + 1).slice(-1);
    this.waiter = undefined;
    w.resolve(hit!.at);
  }
}

const stats = (xs: number[]) => {
  const sorted = Float64Array.from(xs).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
};

/**
 * From "Start meeting" (the REST call) to the live notice on every open page of the document, with
 * the Confer server in its own process and a LiveKit double in this one; then the server time of
 * token requests.
 */
export async function runMeetings(): Promise<MeetingsResult> {
  const double = await LiveKitDouble.start({ peer: false });
  const server = await ServerUnderTest.start("confer", {
    label: "meetings",
    env: { BENCH_LIVEKIT_URL: double.url, BENCH_LIVEKIT_API_KEY: double.apiKey, BENCH_LIVEKIT_API_SECRET: double.apiSecret },
  });
  const pages: NoticePage[] = [];
  try {
    const api = server.api!;
    const base = `http://127.0.0.1:${server.target.port}`;
    double.webhooks.url = `${base}/api/livekit/webhook`;
    const [docId] = await server.newDocs(1, "meeting");
    for (let i = 0; i < PAGES; i++) pages.push(new NoticePage(server.target.port, docId!, api.cookie));
    await Promise.all(pages.map((p) => p.joined));
    const post = (path: string) => fetch(base + path, { method: "POST", headers: { cookie: api.cookie, "content-type": "application/json" } });

    const noticeMs: number[] = [];
    const startMs: number[] = [];
    let meetingId = "";
    for (let round = 0; round < ROUNDS; round++) {
      const arrivals = pages.map((p) => p.next("live"));
      const t0 = performance.now();
      const res = await post(`/api/docs/${docId}/meetings`);
      startMs.push(performance.now() - t0);
      if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
      meetingId = ((await res.json()) as { id: string }).id;
      for (const at of await Promise.all(arrivals)) noticeMs.push(at - t0);
      if (round < ROUNDS - 1) {
        const ended = pages.map((p) => p.next("ended", meetingId));
        await (await post(`/api/meetings/${meetingId}/end`)).arrayBuffer();
        await Promise.all(ended);
      }
    }

    const serverMs: number[] = [];
    const roundTripMs: number[] = [];
    for (let i = 0; i < TOKENS; i++) {
      const t0 = performance.now();
      const res = await post(`/api/meetings/${meetingId}/token`);
      await res.arrayBuffer();
      roundTripMs.push(performance.now() - t0);
      const dur = /dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
      if (res.status !== 200 || !dur) throw new Error(`token failed: ${res.status}`);
      serverMs.push(Number(dur[1]));
    }
    const result: MeetingsResult = {
      pages: PAGES,
      rounds: ROUNDS,
      notice: stats(noticeMs),
      startRequest: stats(startMs),
      tokenServer: stats(serverMs.slice(Math.floor(TOKENS / 10))),
      tokenRoundTrip: stats(roundTripMs.slice(Math.floor(TOKENS / 10))),
    };
    printTable(
      `Meetings: ${PAGES} open pages, ${ROUNDS} starts; ${TOKENS} token requests`,
      ["measure", "p50", "p99"],
      [
        ["Start meeting → live notice on every page", ms(result.notice.p50), ms(result.notice.p99)],
        ["Start meeting request (round trip, incl. CreateRoom)", ms(result.startRequest.p50), ms(result.startRequest.p99)],
        ["token request, server time (Server-Timing)", ms(result.tokenServer.p50), ms(result.tokenServer.p99)],
        ["token request, round trip", ms(result.tokenRoundTrip.p50), ms(result.tokenRoundTrip.p99)],
      ],
      ["Token figures leave out the first 10% of requests (warm-up). The LiveKit double runs in the bench process."],
    );
    return result;
  } finally {
    for (const p of pages) p.ws.terminate();
    await server.stop();
    await double.close();
  }
}
