import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoomServiceClient, WebhookReceiver } from "livekit-server-sdk";
import { LiveKitDouble, WEBHOOK_CONTENT_TYPE } from "../src/index.ts";
import { joinToken, signalConnect, until } from "./helpers.ts";

/** What a receiver saw: headers and the raw body of each POST. */
interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let double: LiveKitDouble;
let receiver: http.Server;
const received: Received[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ authorization: req.headers.authorization, contentType: req.headers["content-type"], body: Buffer.concat(chunks).toString() });
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const port = (receiver.address() as AddressInfo).port;
  double = await LiveKitDouble.start({ peer: false, departureMs: 50, webhookUrl: `http://127.0.0.1:${port}/hook` });
});
afterAll(async () => {
  await double.close();
  await new Promise((r) => receiver.close(r));
});

describe("webhooks", () => {
  it("are signed as LiveKit signs them, and livekit-server-sdk's WebhookReceiver accepts them", async () => {
    const rooms = new RoomServiceClient(double.httpUrl, "devkey", "secret");
    await rooms.createRoom({ name: "hooks", metadata: "m" });
    const ann = await signalConnect(double, await joinToken(double, "ann", "hooks", { name: "Ann" }));
    await ann.next("join");
    ann.send({ case: "leave", value: {} as never });
    await ann.closed;
    await rooms.deleteRoom("hooks");
    await double.webhooks.idle();

    const sdk = new WebhookReceiver("devkey", "secret");
    const events = await Promise.all(received.map((r) => sdk.receive(r.body, r.authorization)));
    expect(events.map((e) => e.event)).toEqual(["room_started", "participant_joined", "participant_left", "room_finished"]);
    expect(received.every((r) => r.contentType === WEBHOOK_CONTENT_TYPE && !r.authorization?.startsWith("Bearer"))).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(events[1]!.participant).toMatchObject({ identity: "ann", name: "Ann" });
    expect(events[0]!.room?.metadata).toBe("m");
    // int64 fields are strings in the JSON, as protojson writes them.
    expect(JSON.parse(received[1]!.body).createdAt).toMatch(/^\d+$/);

    const other = new WebhookReceiver("devkey", "another-secret");
    await expect(other.receive(received[0]!.body, received[0]!.authorization)).rejects.toThrow();
    await expect(sdk.receive(received[0]!.body.replace("room_started", "room_finished"), received[0]!.authorization)).rejects.toThrow(/sha256/);
  });

  it("signs stale tokens when asked (for receivers' tests)", async () => {
    const d = await double.webhooks.deliver((await sdkEvent()).event, { at: Date.now() - 10 * 60_000 });
    await expect(new WebhookReceiver("devkey", "secret").receive(d.body, d.authorization)).rejects.toThrow(/exp/);
  });

  it("holds events back and releases them in any order", async () => {
    received.length = 0;
    double.webhooks.hold();
    const bo = await signalConnect(double, await joinToken(double, "bo", "held"));
    await bo.next("join");
    bo.ws.terminate(); // abrupt: leaves after departureMs
    await until(() => double.webhooks.held.length === 3, "three held events");
    expect(received).toEqual([]);
    await double.webhooks.release((held) => held.reverse());
    const names = received.map((r) => JSON.parse(r.body).event);
    expect(names).toEqual(["participant_left", "participant_joined", "room_started"]);
  });
});

async function sdkEvent() {
  const { webhookEvent } = await import("../src/index.ts");
  return { event: webhookEvent("room_started", {}) };
}
