import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { api, createDoc, waitFor, type TestUser } from "./helpers.ts";
import { meetingToken } from "./meetingHelpers.ts";
import { signalJoin } from "./meetingSignal.ts";
import { writeWav } from "./speech.ts";
import type { MinutesView } from "@confer/shared";
import type { MinutesWorld } from "./minutesHelpers.ts";

/**
 * An OpenAI-compatible transcription service that answers at once, or, while `hold` is on, keeps
 * every request waiting (a transcription under way) until the client gives up on it.
 */
export interface TranscriptionStub {
  url: string;
  hold: boolean;
  /** Requests waiting now. */
  readonly waiting: Set<http.ServerResponse>;
  /** Requests whose client went away while they waited (a transcription called off). */
  abandoned: number;
  close(): Promise<void>;
}

export async function startTranscriptionStub(): Promise<TranscriptionStub> {
  const waiting = new Set<http.ServerResponse>();
  const stub: TranscriptionStub = {
    url: "",
    hold: false,
    waiting,
    abandoned: 0,
    close: async () => {
      for (const res of waiting) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (!stub.hold) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ segments: [{ start: 0.2, end: 1.5, text: "We decided to ship it." }] }));
        return;
      }
      waiting.add(res);
      res.on("close", () => {
        if (waiting.delete(res)) stub.abandoned++;
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return stub;
}

/** Every file under a directory (recursively), as paths relative to it. */
export function filesUnder(dir: string, under = ""): string[] {
  if (!fs.existsSync(path.join(dir, under))) return [];
  return fs
    .readdirSync(path.join(dir, under), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(under, e.name)) : e.isFile() ? [path.join(under, e.name)] : []))
    .sort();
}

/** The temporary files under DATA_DIR/tmp (downloads, the engine's work), without the scratch directories' owner marks. */
export function scratchFiles(dataDir: string): string[] {
  return filesUnder(path.join(dataDir, "tmp")).filter((f) => path.basename(f) !== "alive");
}

/** Two seconds of a tone, as a WAV file (the double's egress copies it as each recording). */
export function toneFile(dir: string): string {
  const file = path.join(dir, "tone.wav");
  writeWav(file, 16000, Int16Array.from({ length: 32000 }, (_, i) => Math.round(6000 * Math.sin(i / 6))));
  return file;
}

/**
 * A new document of `host` with a live, recorded meeting, `host` and `guest` in it, each with a
 * microphone carrying `tone`.
 */
export async function recordedMeeting(world: MinutesWorld, host: TestUser, guest: TestUser, tone: string, title: string) {
  const url = world.server.url;
  const docId = await createDoc(url, host, title);
  await api(url, "POST", `/api/docs/${docId}/members`, { cookie: host.cookie, body: { email: guest.email, role: "editor" } });
  const started = await api(url, "POST", `/api/docs/${docId}/meetings`, { cookie: host.cookie, body: { record: true } });
  if (started.status !== 201) throw new Error(`meeting not started: ${started.status} ${started.text}`);
  const meetingId: string = started.json.id;
  const room = `confer-${meetingId}`;
  const joins = await Promise.all([host, guest].map(async (who) => signalJoin(world.double, (await meetingToken(url, meetingId, who)).token)));
  for (const who of [host, guest]) world.double.publishMicrophone(room, who.id, { file: tone });
  await waitFor(() => world.double.egress.active.filter((e) => e.roomName === room).length === 2, "both microphones recorded");
  return { docId, meetingId, room, leave: () => joins.forEach((j) => j.close()) };
}

/**
 * Deletes the document of a live recorded meeting while LiveKit keeps its room (DeleteRoom
 * refused), so the egresses still record when the rows go; then closes the room and returns the
 * `egress_ended` deliveries of those egresses, the files they report written after the deletion.
 */
export async function deleteWhileRecording(world: MinutesWorld, live: { docId: string; room: string }, owner: TestUser) {
  world.double.roomService.beforeCall = (method) => {
    if (method === "DeleteRoom") throw new Error("LiveKit is busy");
  };
  try {
    const res = await api(world.server.url, "DELETE", `/api/docs/${live.docId}`, { cookie: owner.cookie });
    if (res.status !== 200) throw new Error(`document not deleted: ${res.status} ${res.text}`);
  } finally {
    world.double.roomService.beforeCall = undefined;
  }
  const recording = world.double.egress.active.filter((e) => e.roomName === live.room).length;
  const before = world.double.webhooks.deliveries.length;
  world.double.rooms.delete(live.room);
  const ended = () => world.double.webhooks.deliveries.slice(before).filter((d) => d.event.event === "egress_ended");
  await waitFor(() => ended().length === recording, "the late files reported", 30_000);
  await world.double.webhooks.idle();
  return { recording, ended: ended() };
}

/** A new document of `host` with a recorded meeting that has ended and has its minutes. */
export async function finishedMeeting(world: MinutesWorld, host: TestUser, guest: TestUser, tone: string, title: string) {
  const url = world.server.url;
  const kept = await recordedMeeting(world, host, guest, tone, title);
  const ended = await api(url, "POST", `/api/meetings/${kept.meetingId}/end`, { cookie: host.cookie });
  if (ended.status !== 200) throw new Error(`meeting not ended: ${ended.status} ${ended.text}`);
  kept.leave();
  const keptView = (await waitFor(async () => {
    const v = (await api(url, "GET", `/api/meetings/${kept.meetingId}/minutes`, { cookie: host.cookie })).json as MinutesView;
    return v.state === "done" ? v : undefined;
  }, "the meeting's minutes", 60_000))!;
  return { kept, keptView };
}

/** The bytes of a meeting's first recording as a member gets them, or the status when it is not served. */
export async function servedRecording(world: MinutesWorld, meetingId: string, view: MinutesView, member: TestUser): Promise<Buffer | number> {
  const res = await fetch(`${world.server.url}/api/meetings/${meetingId}/recordings/${view.recordings![0]!.file}`, { headers: { cookie: member.cookie } });
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : res.status;
}
