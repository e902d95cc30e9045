// @vitest-environment happy-dom
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import type { Me } from "@confer/shared";
import { fetchMe, logout } from "../api/index.ts";
import { AuthProvider, useAuth, type AuthState } from "./AuthContext.tsx";

vi.mock("../api/index.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../api/index.ts")>()),
  fetchMe: vi.fn(),
  logout: vi.fn(),
}));

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ANA: Me = { id: "u-ana", email: "ana@example.com", name: "Ana", company: "Acme", orgId: "o-acme", color: "#336699", emailVerified: true };

let root: Root | undefined;
/** Every auth state the app rendered, in order, and the latest `refresh`. */
let seen: AuthState["status"][];
let refresh: () => void;

/** Hands each rendered auth value to `onRender`. */
function Probe({ onRender }: { onRender(auth: ReturnType<typeof useAuth>): void }) {
  onRender(useAuth());
  return null;
}

function record(auth: ReturnType<typeof useAuth>) {
  seen.push(auth.state.status);
  refresh = auth.refresh;
}

async function mount() {
  root = createRoot(document.createElement("div"));
  await act(async () => root!.render(<AuthProvider><Probe onRender={record} /></AuthProvider>));
}

beforeEach(() => {
  seen = [];
  localStorage.clear();
  vi.mocked(fetchMe).mockReset();
  vi.mocked(logout).mockReset().mockResolvedValue(undefined);
});

afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});

test("a sign-out the server has not heard of shows signed out from the first render, and the server is told", async () => {
  localStorage.setItem("confer:logout-pending", "1");
  await mount();
  expect(seen).not.toContain("loading");
  expect(seen.at(-1)).toBe("signed-out");
  expect(fetchMe).not.toHaveBeenCalled();
  expect(logout).toHaveBeenCalledTimes(1);
  expect(localStorage.getItem("confer:logout-pending")).toBeNull();
});

test("asking again answers with the latest question only: an earlier, slower answer is dropped", async () => {
  let answerFirst: (me: Me) => void = () => undefined;
  vi.mocked(fetchMe)
    .mockReturnValueOnce(new Promise<Me>((resolve) => (answerFirst = resolve)))
    .mockRejectedValueOnce(new Error("The server failed."));
  await mount();
  expect(seen.at(-1)).toBe("loading");
  await act(async () => refresh());
  expect(seen.at(-1)).toBe("error");
  await act(async () => answerFirst(ANA));
  expect(seen.at(-1)).toBe("error");
});
