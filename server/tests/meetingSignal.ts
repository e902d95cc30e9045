import WebSocket from "ws";
import { SignalResponse, type JoinResponse } from "@livekit/protocol";

/** Joins a LiveKit room (the double, or a real LiveKit at `livekit.url`) over the signal path as livekit-client would start to; resolves with the JoinResponse. */
export function signalJoin(livekit: { url: string }, token: string): Promise<JoinResponse & { close(): void; left: Promise<number>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${livekit.url}/rtc?access_token=${encodeURIComponent(token)}`);
    let onLeave: (reason: number) => void = () => undefined;
    const left = new Promise<number>((r) => (onLeave = r));
    const closed = new Promise<void>((r) => ws.once("close", () => r()));
    ws.on("message", (data: Buffer) => {
      const { message } = SignalResponse.fromBinary(new Uint8Array(data));
      if (message.case === "join") resolve(Object.assign(message.value, { close: () => ws.close(), left, closed }));
      if (message.case === "leave") onLeave(message.value.reason);
    });
    ws.on("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.on("error", reject);
  });
}
