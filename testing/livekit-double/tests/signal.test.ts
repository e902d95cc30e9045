import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JoinRequest, WrappedJoinRequest } from "@livekit/protocol";
import { LiveKitDouble } from "../src/index.ts";
import { joinToken, signalConnect, until } from "./helpers.ts";

let double: LiveKitDouble;
beforeAll(async () => {
  double = await LiveKitDouble.start({ peer: false, departureMs: 100 });
});
afterAll(() => double.close());

describe("signal path", () => {
  it("answers the /rtc handshake with a JoinResponse carrying the token's identity", async () => {
    const ann = await signalConnect(double, await joinToken(double, "u-ann", "sig", { name: "Ann", attributes: { company: "Acme", external: "false" } }));
    const join = await ann.next("join");
    expect(join.participant).toMatchObject({ identity: "u-ann", name: "Ann", attributes: { company: "Acme", external: "false" } });
    expect(join.participant?.permission?.canUpdateMetadata).toBe(false);
    expect(join.room?.name).toBe("sig");
    expect(join.serverInfo?.protocol).toBeGreaterThan(0);

    const bo = await signalConnect(double, await joinToken(double, "u-bo", "sig"));
    expect((await bo.next("join")).otherParticipants.map((p) => p.identity)).toEqual(["u-ann"]);
    expect((await ann.next("update")).participants[0]?.identity).toBe("u-bo");

    ann.send({ case: "ping", value: 1n });
    expect(typeof (await ann.next("pong"))).toBe("bigint");
    ann.ws.close();
    bo.ws.close();
  });

  it("accepts the v1 join_request parameter", async () => {
    const wrapped = new WrappedJoinRequest({ joinRequest: new JoinRequest({}).toBinary() }).toBinary();
    const c = await signalConnect(double, await joinToken(double, "u-v1", "sig-v1"), `&join_request=${Buffer.from(wrapped).toString("base64url")}`);
    expect((await c.next("join")).participant?.identity).toBe("u-v1");
    c.ws.close();
  });

  it("refuses bad tokens, missing grants and self-chosen attributes at the upgrade", async () => {
    await expect(signalConnect(double, "not-a-jwt")).rejects.toMatchObject({ status: 401 });
    await expect(signalConnect(double, await joinToken(double, "x", "sig", { secret: "wrong" }))).rejects.toMatchObject({ status: 401 });
    await expect(signalConnect(double, await joinToken(double, "x", "sig", { grant: { roomJoin: false } }))).rejects.toMatchObject({ status: 401 });
    const attrs = Buffer.from(JSON.stringify({ company: "Someone else" })).toString("base64");
    await expect(signalConnect(double, await joinToken(double, "x", "sig"), `&attributes=${attrs}`)).rejects.toMatchObject({ status: 401 });
    const res = await fetch(`${double.httpUrl}/rtc/validate?access_token=bad`);
    expect(res.status).toBe(401);
  });

  it("ignores a participant's own metadata update without canUpdateOwnMetadata", async () => {
    const c = await signalConnect(double, await joinToken(double, "u-meta", "sig-meta", { name: "Real Name" }));
    await c.next("join");
    c.send({ case: "updateMetadata", value: { name: "Someone Else", metadata: "", attributes: { external: "false" }, requestId: 1 } as never });
    c.send({ case: "ping", value: 2n });
    await c.next("pong"); // processed after the update request
    expect(double.rooms.participant("sig-meta", "u-meta")).toMatchObject({ name: "Real Name", attributes: {} });
    c.ws.close();
  });

  it("keeps a dropped participant for a resume, then lets them leave", async () => {
    const token = await joinToken(double, "u-drop", "sig-drop");
    const c = await signalConnect(double, token);
    await c.next("join");
    c.ws.terminate();
    const back = await signalConnect(double, token, "&reconnect=1");
    await back.next("reconnect");
    expect(double.rooms.participants("sig-drop").map((p) => p.identity)).toEqual(["u-drop"]);
    back.ws.terminate();
    await until(() => double.rooms.participants("sig-drop").length === 0, "departure after the timeout");
  });
});
