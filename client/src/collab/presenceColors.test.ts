import { expect, test } from "vitest";
import { PRESENCE_PALETTE, assignColors } from "./presenceColors.ts";

test("people present together get different colours, the same in every browser whatever the order", () => {
  const ids = Array.from({ length: PRESENCE_PALETTE.length }, (_, i) => `user-${i}`);
  const a = assignColors(ids);
  const b = assignColors([...ids].reverse());
  expect(new Set(a.values()).size).toBe(ids.length);
  expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
});

test("a person keeps their colour when someone joins, unless the newcomer would clash", () => {
  const before = assignColors(["alice", "bob"]);
  const after = assignColors(["alice", "bob", "carol"]);
  // "carol" sorts after both, so she is the one moved on a clash.
  expect(after.get("alice")).toBe(before.get("alice"));
  expect(after.get("bob")).toBe(before.get("bob"));
  expect(new Set(after.values()).size).toBe(3);
});

test("more people than colours still get a colour each", () => {
  const ids = Array.from({ length: PRESENCE_PALETTE.length + 3 }, (_, i) => `p${i}`);
  const colors = assignColors(ids);
  expect(colors.size).toBe(ids.length);
  for (const c of colors.values()) expect(PRESENCE_PALETTE).toContain(c);
});
