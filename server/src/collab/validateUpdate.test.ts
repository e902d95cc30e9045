import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MISSING_DEPENDENCIES, validateUpdate } from "./validateUpdate.ts";

const stateOf = (doc: Y.Doc) => (client: number) => Y.getState(doc.store, client);
const check = (doc: Y.Doc, update: Uint8Array) => validateUpdate(update, stateOf(doc));

/** A doc with a fixed client id. */
function docOf(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** The update `change` makes to `doc`. */
function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  change();
  return Y.encodeStateAsUpdate(doc, before);
}

/** Whether applying `update` to a copy of `doc` leaves anything pending in Yjs. */
function leavesPending(doc: Y.Doc, update: Uint8Array): boolean {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  Y.applyUpdate(copy, update);
  return copy.store.pendingStructs !== null || copy.store.pendingDs !== null;
}

describe("validateUpdate: missing dependencies", () => {
  it("accepts a whole document into an empty one, and a change after what it builds on", () => {
    const a = docOf(1);
    const u1 = updateOf(a, () => a.getText("t").insert(0, "ab"));
    const u2 = updateOf(a, () => a.getText("t").insert(2, "c"));
    const server = new Y.Doc();
    expect(check(server, Y.encodeStateAsUpdate(a))).toBeNull();
    expect(check(server, u2)).toBe(MISSING_DEPENDENCIES); // its own client's earlier change is missing
    Y.applyUpdate(server, u1);
    expect(check(server, u2)).toBeNull();
  });

  it("refuses a missing origin or right origin of another client, and accepts one carried by the same update", () => {
    const a = docOf(1);
    a.getText("t").insert(0, "ab");
    const b = docOf(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const afterA = updateOf(b, () => b.getText("t").insert(1, "x")); // origin and right origin in client 1
    const atStart = updateOf(b, () => b.getText("t").insert(0, "y")); // right origin only
    const server = new Y.Doc();
    expect(check(server, afterA)).toBe(MISSING_DEPENDENCIES);
    expect(check(server, atStart)).toBe(MISSING_DEPENDENCIES);
    // Client 2's structs are written before client 1's in the update: later ones count as present.
    expect(check(server, Y.encodeStateAsUpdate(b))).toBeNull();
  });

  it("refuses a missing parent, and a deletion of changes the document does not have", () => {
    const a = docOf(1);
    const nested = new Y.Map<string>();
    a.getMap("root").set("child", nested);
    a.getText("t").insert(0, "abc");
    const b = docOf(2);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const inChild = updateOf(b, () => (b.getMap("root").get("child") as Y.Map<string>).set("k", "v"));
    const deletion = updateOf(b, () => b.getText("t").delete(1, 1));
    const server = new Y.Doc();
    expect(check(server, inChild)).toBe(MISSING_DEPENDENCIES);
    expect(check(server, deletion)).toBe(MISSING_DEPENDENCIES);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(a));
    expect(check(server, inChild)).toBeNull();
    expect(check(server, deletion)).toBeNull();
  });

  it("refuses an update with a gap (a skip) over changes the document lacks", () => {
    const a = docOf(1);
    const u1 = updateOf(a, () => a.getText("t").insert(0, "a"));
    const u2 = updateOf(a, () => a.getText("t").insert(1, "b"));
    const u3 = updateOf(a, () => a.getText("t").insert(2, "c"));
    const gapped = Y.mergeUpdates([u1, u3]);
    const server = new Y.Doc();
    expect(check(server, gapped)).toBe(MISSING_DEPENDENCIES);
    Y.applyUpdate(server, u1);
    Y.applyUpdate(server, u2);
    expect(check(server, gapped)).toBeNull();
  });

  it("agrees with Yjs on random histories delivered out of order", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let round = 0; round < 20; round++) {
      const peers = [docOf(10 + round * 3), docOf(11 + round * 3), docOf(12 + round * 3)];
      const updates: Uint8Array[] = [];
      for (let step = 0; step < 40; step++) {
        const peer = peers[rand(3)]!;
        const text = peer.getText("t");
        const map = peer.getMap("m");
        updates.push(
          updateOf(peer, () => {
            const kind = rand(4);
            if (kind === 0 || text.length === 0) text.insert(rand(text.length + 1), "xyz".slice(0, 1 + rand(3)));
            else if (kind === 1) text.delete(rand(text.length), 1);
            else if (kind === 2) map.set(`k${rand(4)}`, step);
            else text.format(0, Math.min(2, text.length), { bold: true });
          }),
        );
        // Peers sync now and then, so changes build on each other's.
        if (rand(3) === 0) {
          const [x, y] = [peers[rand(3)]!, peers[rand(3)]!];
          Y.applyUpdate(x, Y.encodeStateAsUpdate(y, Y.encodeStateVector(x)));
        }
      }
      const server = new Y.Doc();
      const queue = [...updates];
      while (queue.length) {
        const update = queue.splice(rand(queue.length), 1)[0]!;
        const problem = check(server, update);
        expect(problem === MISSING_DEPENDENCIES).toBe(leavesPending(server, update));
        if (problem === null) Y.applyUpdate(server, update);
        else expect(problem).toBe(MISSING_DEPENDENCIES);
        expect(server.store.pendingStructs).toBeNull();
      }
    }
  });

  it("counts text as Yjs does: astral characters are two units, others one", () => {
    const a = docOf(1);
    const u1 = updateOf(a, () => a.getText("t").insert(0, "é😀x中"));
    const u2 = updateOf(a, () => a.getText("t").insert(5, "!"));
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(new Y.Doc()));
    expect(check(server, Y.mergeUpdates([u1, u2]))).toBeNull();
    Y.applyUpdate(server, u1);
    expect(Y.getState(server.store, 1)).toBe(5);
    expect(check(server, u2)).toBeNull();
  });

  it("without a document state, only checks the form", () => {
    const a = docOf(1);
    a.getText("t").insert(0, "ab");
    const u2 = updateOf(a, () => a.getText("t").insert(2, "c"));
    expect(validateUpdate(u2)).toBeNull();
    expect(validateUpdate(u2.subarray(0, u2.length - 1))).not.toBeNull();
  });
});
