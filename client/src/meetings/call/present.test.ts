// @vitest-environment happy-dom
import { expect, test } from "vitest";
import { findPresenter, PRESENT_FIELD } from "./present.ts";
import { isMeetingShortcut } from "../useMeetingShortcut.ts";

const state = (id: string, name: string, present: unknown) => ({ user: { id, name }, [PRESENT_FIELD]: present });
const presenting = (meetingId: string, since: number) => ({ meetingId, top: null, offset: 0, anchor: null, head: null, since });

test("the presenter followed is the latest to start presenting in this meeting, never oneself", () => {
  const states = new Map<number, Record<string, unknown>>([
    [1, state("u_me", "Me", presenting("m1", 50))],
    [2, state("u_alice", "Alice", presenting("m1", 10))],
    [3, state("u_bob", "Bob", presenting("m1", 20))],
    [4, state("u_carol", "Carol", presenting("other-meeting", 99))],
    [5, state("u_dan", "Dan", null)],
    [6, { [PRESENT_FIELD]: presenting("m1", 100) }], // no identity stamped by the server: ignored
  ]);
  expect(findPresenter(states, "m1", 1)).toMatchObject({ userId: "u_bob", name: "Bob" });
  states.delete(3);
  expect(findPresenter(states, "m1", 1)?.name).toBe("Alice");
  expect(findPresenter(states, "m2", 1)).toBeUndefined();
});

test("the meeting shortcut is Ctrl+Alt+M (⌘⌥M on a Mac), whatever character Alt makes", () => {
  const key = (over: Partial<KeyboardEvent>) => ({ code: "KeyM", key: "m", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...over });
  expect(isMeetingShortcut(key({ ctrlKey: true, altKey: true }), false)).toBe(true);
  expect(isMeetingShortcut(key({ metaKey: true, altKey: true, key: "µ" }), true)).toBe(true);
  expect(isMeetingShortcut(key({ ctrlKey: true }), false)).toBe(false);
  expect(isMeetingShortcut(key({ ctrlKey: true, altKey: true, shiftKey: true }), false)).toBe(false);
  expect(isMeetingShortcut(key({ ctrlKey: true, altKey: true, code: "KeyN", key: "n" }), false)).toBe(false);
});
