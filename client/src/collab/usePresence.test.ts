import { expect, test } from "vitest";
import * as Y from "yjs";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import { collectPresence } from "./usePresence.ts";

/** An awareness that also holds the states of `others` (as if relayed by the server). */
function present(self: { id: string; name: string }, others: { id: string; name: string }[]): Awareness {
  const mine = new Awareness(new Y.Doc());
  mine.setLocalStateField("user", { ...self, color: "#000000" });
  for (const other of others) {
    const remote = new Awareness(new Y.Doc());
    remote.setLocalStateField("user", { ...other, color: "#000000" });
    applyAwarenessUpdate(mine, encodeAwarenessUpdate(remote, [remote.clientID]), "test");
  }
  return mine;
}

test("one entry per person: the same person in two tabs shows once, and as you when one tab is yours", () => {
  const ana = { id: "u-ana", name: "Ana" };
  const ben = { id: "u-ben", name: "Ben" };
  const users = collectPresence(present(ana, [ben, ana, ben]));
  expect(users.map((u) => [u.name, u.isSelf])).toEqual([
    ["Ana", true],
    ["Ben", false],
  ]);
});

test("people present get different colours, whatever colour their own state claims", () => {
  const users = collectPresence(present({ id: "u-1", name: "One" }, [{ id: "u-2", name: "Two" }, { id: "u-3", name: "Three" }]));
  expect(new Set(users.map((u) => u.color)).size).toBe(3);
  expect(users.every((u) => u.color !== "#000000")).toBe(true);
});
