import { describe, expect, it } from "vitest";
import type { ClusterRoom } from "../collab/cluster.ts";
import { DocLink, MAX_HELD_BYTES, type LinkHub } from "./DocLink.ts";
import { readDocMessage, writeDocMessage, type DocMessage } from "./messages.ts";

function setup() {
  const sent: DocMessage[] = [];
  let failing = false;
  const hub: LinkHub = {
    id: "me",
    publish: (_channel, data, dropped) => (failing ? dropped() : sent.push(readDocMessage(data))),
    exclusive: async () => false,
    unlink: () => undefined,
  };
  const room = { docId: "d", applied: [] as Uint8Array[][], repairs: 0, applyRemote(u: Uint8Array[]) { this.applied.push(u); }, dropped: [] as number[], applyRemoteAwareness() {}, dropRemoteAwareness(ids: number[]) { this.dropped.push(...ids); }, localAwareness: () => null, repair() { this.repairs++; } };
  const link = new DocLink(hub, room as ClusterRoom, "c", 1);
  return { link, room, sent, fail: (on: boolean) => (failing = on) };
}
const update = (process: string, seq: number): DocMessage => ({ type: "update", process, incarnation: 1, seq, updates: [new Uint8Array([seq])] });

describe("DocLink", () => {
  it("applies messages in sequence without repairing; a gap in a publisher's numbers repairs from storage", () => {
    const { link, room } = setup();
    link.live();
    link.receive(update("p", 4), 10); // the first seen from a publisher sets its baseline
    link.receive(update("p", 5), 10);
    expect(room.repairs).toBe(0);
    link.receive(update("p", 7), 10);
    expect(room.repairs).toBe(1);
    expect(room.applied).toHaveLength(3);
  });

  it("heads beyond what was seen, or from an unknown publisher, repair", () => {
    const { link, room } = setup();
    link.live();
    link.receive(update("p", 1), 10);
    link.receive({ type: "heads", process: "p", incarnation: 1, seq: 1 }, 5);
    expect(room.repairs).toBe(0);
    link.receive({ type: "heads", process: "p", incarnation: 1, seq: 2 }, 5);
    expect(room.repairs).toBe(1);
    link.receive({ type: "heads", process: "q", incarnation: 1, seq: 1 }, 5);
    expect(room.repairs).toBe(2);
  });

  it("holds messages while the room loads, within a byte bound; past it, repairs once live", () => {
    const { link, room } = setup();
    link.receive(update("p", 1), 10);
    expect(room.applied).toHaveLength(0);
    link.live();
    expect(room.applied).toHaveLength(1);
    const { link: other, room: loading } = setup();
    other.receive(update("p", 1), MAX_HELD_BYTES + 1);
    other.live();
    expect(loading.applied).toHaveLength(0);
    expect(loading.repairs).toBe(1);
  });

  it("a dropped publish is announced with heads before the next one; a gone process's rooms repair", () => {
    const { link, room, sent, fail } = setup();
    link.live();
    fail(true);
    link.publishUpdates([new Uint8Array([1])]);
    fail(false);
    link.publishUpdates([new Uint8Array([2])]);
    expect(sent.map((m) => [m.type, "seq" in m ? m.seq : 0])).toEqual([["query", 0], ["heads", 1], ["update", 2]]);
    link.receive(update("p", 1), 10);
    link.processGone("x");
    expect(room.repairs).toBe(0);
    link.processGone("p");
    expect(room.repairs).toBe(1);
  });

  it("drops the presence a gone process relayed, and only that", async () => {
    const awareness = await import("y-protocols/awareness");
    const Y = await import("yjs");
    const presenceOf = (clientID: number) => {
      const doc = new Y.Doc();
      doc.clientID = clientID;
      const a = new awareness.Awareness(doc);
      a.setLocalState({ user: { id: "u" } });
      const update = awareness.encodeAwarenessUpdate(a, [clientID]);
      a.destroy();
      return update;
    };
    const { link, room } = setup();
    link.live();
    link.receive({ type: "awareness", process: "p", incarnation: 1, update: presenceOf(11) }, 10);
    link.receive({ type: "awareness", process: "q", incarnation: 1, update: presenceOf(12) }, 10);
    link.processGone("p");
    expect(room.dropped).toEqual([11]);
  });

  it("ignores its own messages", () => {
    const { link, room } = setup();
    link.live();
    link.receive(readDocMessage(writeDocMessage({ ...update("me", 1) })), 10);
    expect(room.applied).toHaveLength(0);
  });
});
