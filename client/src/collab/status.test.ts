import { expect, test } from "vitest";
import { CloseCodes } from "@confer/shared";
import { describeConnection, type ConnectionFacts } from "./status.ts";

const base: ConnectionFacts = { socket: "connecting", synced: false, everConnected: false, offline: false, unsynced: 0, finalClose: undefined };
const say = (facts: Partial<ConnectionFacts>) => describeConnection({ ...base, ...facts });

test("first connection, then connected once synced", () => {
  expect(say({})).toMatchObject({ label: "Connecting…", tone: "busy" });
  expect(say({ socket: "connected", synced: false })).toMatchObject({ label: "Connecting…" });
  expect(say({ socket: "connected", synced: true, everConnected: true })).toMatchObject({ label: "Connected", tone: "ok" });
});

test("a dropped connection reconnects, then reads as offline after a while", () => {
  expect(say({ socket: "disconnected", everConnected: true })).toMatchObject({ label: "Reconnecting…", tone: "busy" });
  expect(say({ socket: "disconnected", everConnected: true, offline: true })).toMatchObject({ label: "Offline", tone: "warn" });
});

test("offline edits are described in words, never as a count of keystrokes", () => {
  const s = say({ socket: "disconnected", everConnected: true, offline: true, unsynced: 21 });
  expect(s.label).toBe("Offline · edits saved on this device");
  expect(s.detail).toBe("Offline — your edits are saved on this device and will sync when you're back online.");
  expect(`${s.label} ${s.detail}`).not.toMatch(/\d/);
  // Edits made while the socket is merely reconnecting are offline edits too.
  expect(say({ socket: "connecting", everConnected: true, unsynced: 1 }).label).toBe("Offline · edits saved on this device");
});

test("a final close says what happened, and wins over everything else", () => {
  expect(say({ finalClose: CloseCodes.AccessRevoked, socket: "connected", synced: true })).toEqual({
    label: "No access",
    detail: CloseCodes.AccessRevoked.reason,
    tone: "error",
  });
  expect(say({ finalClose: CloseCodes.NotFound }).label).toBe("Deleted");
  expect(say({ finalClose: CloseCodes.Unauthorized }).label).toBe("Signed out");
  expect(say({ finalClose: CloseCodes.BadOrigin }).label).toBe("Disconnected");
});
