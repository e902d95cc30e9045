// @vitest-environment happy-dom
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import type { Member } from "@confer/shared";
import { listMembers, messageOf } from "../api/index.ts";
import { useMembers, type MembersState } from "./useMembers.ts";

vi.mock("../api/index.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../api/index.ts")>()),
  listMembers: vi.fn(),
}));

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const member = (name: string): Member => ({ userId: `u-${name}`, name, email: `${name}@example.com`, company: "Acme", role: "editor", external: false, online: true });

let root: Root | undefined;
let latest: MembersState;

/** Hands each rendered member state to `onRender`. */
function Probe({ enabled, onRender }: { enabled: boolean; onRender(state: MembersState): void }) {
  onRender(useMembers("d-1", enabled, undefined));
  return null;
}

const record = (state: MembersState) => {
  latest = state;
};

/** A read whose answer the test gives when it likes. */
function pendingRead() {
  let answer: (list: Member[]) => void = () => undefined;
  vi.mocked(listMembers).mockReturnValueOnce(new Promise<Member[]>((resolve) => (answer = resolve)));
  return (list: Member[]) => act(async () => answer(list));
}

beforeEach(() => {
  vi.mocked(listMembers).mockReset();
  root = createRoot(document.createElement("div"));
});

afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});

test("reads once enabled, and an earlier read answering late does not overwrite a later one", async () => {
  const first = pendingRead();
  const second = pendingRead();
  await act(async () => root!.render(<Probe enabled={false} onRender={record} />));
  expect(listMembers).not.toHaveBeenCalled();

  await act(async () => root!.render(<Probe enabled onRender={record} />));
  expect(listMembers).toHaveBeenCalledTimes(1);
  await act(async () => void latest.reload());
  await second([member("ben")]);
  expect(latest.members?.map((m) => m.name)).toEqual(["ben"]);
  await first([member("ana")]);
  expect(latest.members?.map((m) => m.name)).toEqual(["ben"]);
});

test("a failed read is reported in words, and the next good read clears it", async () => {
  const failure = new Error("The server failed.");
  vi.mocked(listMembers).mockRejectedValueOnce(failure);
  await act(async () => root!.render(<Probe enabled onRender={record} />));
  expect(latest.error).toBe(messageOf(failure));
  expect(latest.error).toBeTruthy();
  vi.mocked(listMembers).mockResolvedValueOnce([member("ana")]);
  await act(() => latest.reload());
  expect(latest.error).toBeUndefined();
  expect(latest.members?.map((m) => m.name)).toEqual(["ana"]);
});
