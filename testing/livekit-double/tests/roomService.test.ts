import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessToken, RoomServiceClient, TwirpError } from "livekit-server-sdk";
import { LiveKitDouble } from "../src/index.ts";
import { joinToken, signalConnect } from "./helpers.ts";

let double: LiveKitDouble;
let rooms: RoomServiceClient;

beforeAll(async () => {
  double = await LiveKitDouble.start({ peer: false });
  rooms = new RoomServiceClient(double.httpUrl, "devkey", "secret");
});
afterAll(() => double.close());

/** Posts a Twirp call with a hand-made token (the SDK always asks for the right grant). */
async function twirp(method: string, body: unknown, grant: Record<string, unknown> | undefined, secret = "secret") {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (grant) {
    const at = new AccessToken("devkey", secret, { ttl: 60, identity: "caller" });
    at.addGrant(grant);
    headers.Authorization = `Bearer ${await at.toJwt()}`;
  }
  const res = await fetch(`${double.httpUrl}/twirp/livekit.RoomService/${method}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("RoomService over Twirp", () => {
  it("creates (idempotently), lists and deletes rooms with livekit-server-sdk", async () => {
    const a = await rooms.createRoom({ name: "r1", metadata: '{"docId":"d"}', emptyTimeout: 60 });
    const again = await rooms.createRoom({ name: "r1" });
    expect(again.sid).toBe(a.sid);
    expect(a.metadata).toBe('{"docId":"d"}');
    expect((await rooms.listRooms()).map((r) => r.name)).toContain("r1");
    expect(await rooms.listRooms(["nope"])).toEqual([]);
    await rooms.deleteRoom("r1");
    expect((await rooms.listRooms()).map((r) => r.name)).not.toContain("r1");
    const err = await rooms.deleteRoom("r1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TwirpError);
    expect(err).toMatchObject({ status: 404, code: "not_found", message: "requested room does not exist" });
  });

  it("enforces LiveKit's grant table", async () => {
    const denied = { status: 401, type: "application/json", text: JSON.stringify({ code: "unauthenticated", msg: "permissions denied" }) };
    expect(await twirp("CreateRoom", { name: "x" }, { roomJoin: true, room: "x" })).toEqual(denied);
    expect(await twirp("CreateRoom", { name: "x" }, undefined)).toEqual(denied);
    expect(await twirp("DeleteRoom", { room: "x" }, { roomList: true })).toEqual(denied);
    expect(await twirp("ListRooms", {}, { roomCreate: true })).toEqual(denied);
    expect(await twirp("ListParticipants", { room: "x" }, { roomAdmin: true, room: "other" })).toEqual(denied);
    expect(await twirp("RemoveParticipant", { room: "x", identity: "u" }, { roomJoin: true, room: "x" })).toEqual(denied);
    expect((await twirp("ListRooms", {}, { roomList: true })).status).toBe(200);
    expect((await twirp("ListParticipants", { room: "x" }, { roomAdmin: true, room: "x" })).status).toBe(200);
  });

  it("refuses a token signed with another secret with a plain-text 401", async () => {
    const res = await twirp("ListRooms", {}, { roomList: true }, "not-the-secret");
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/^invalid authorization token/);
    const sdk = new RoomServiceClient(double.httpUrl, "devkey", "wrong");
    await expect(sdk.listRooms()).rejects.toMatchObject({ status: 401 });
  });

  it("removes a participant, revoking their token, and mutes published tracks", async () => {
    await rooms.createRoom({ name: "r2" });
    const token = await joinToken(double, "ann", "r2");
    const ann = await signalConnect(double, token);
    await ann.next("join");
    expect((await rooms.listParticipants("r2")).map((p) => p.identity)).toEqual(["ann"]);

    ann.send({ case: "addTrack", value: { cid: "mic-1", type: 0, name: "mic", source: 2 } as never });
    const published = await ann.next("trackPublished");
    const track = await rooms.mutePublishedTrack("r2", "ann", published.track!.sid, true);
    expect(track.muted).toBe(true);
    expect((await ann.next("mute")).sid).toBe(published.track!.sid);
    await expect(rooms.mutePublishedTrack("r2", "ann", "TR_nope", true)).rejects.toMatchObject({ status: 404, code: "not_found" });

    await rooms.removeParticipant("r2", "ann");
    expect((await ann.next("leave")).reason).toBe(4); // PARTICIPANT_REMOVED
    expect(await ann.closed).toBe(1000);
    await expect(rooms.removeParticipant("r2", "ann")).rejects.toMatchObject({ status: 404, code: "not_found" });
    // The same token cannot join again (its nbf is before the revocation).
    await expect(signalConnect(double, token)).rejects.toMatchObject({ status: 401 });
  });

  it("updates a participant's attributes as the server", async () => {
    const bo = await signalConnect(double, await joinToken(double, "bo", "r3", { attributes: { company: "Acme" } }));
    await bo.next("join");
    const info = await rooms.updateParticipant("r3", "bo", { attributes: { external: "true" } });
    expect(info.attributes).toEqual({ company: "Acme", external: "true" });
    bo.ws.close();
  });
});
