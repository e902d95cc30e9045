import http from "node:http";
import type { Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from "../chromium.ts";
import { test, expect, person, signUp, snap } from "./fixtures.ts";
import { startTranscriptionStandIn } from "./transcriptionStandIn.ts";

// Minutes that fail say what failed, on every page, and the host (only) can try again. The server
// transcribes with an OpenAI-compatible endpoint here (TRANSCRIBE_URL) that is not running at first:
// the job fails; the test then starts a small stand-in that speaks `verbose_json`, and "Try again" works.
// The stand-in's port is fixed: it must be known when the server starts.
const STAND_IN_PORT = 4137;
test.use({
  livekit: true,
  serverEnv: { TRANSCRIBE_URL: `http://127.0.0.1:${STAND_IN_PORT}/v1`, MINUTES_MAX_ATTEMPTS: "1", MINUTES_RETRY_MS: "200" },
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS] },
});

const startStandIn = () => startTranscriptionStandIn(STAND_IN_PORT, { text: "We decided to ship the release on Monday.", start: 0.5, end: 2.5 });

async function joinWithMicrophone(page: Page) {
  const panel = page.getByTestId("meeting-panel");
  await panel.getByRole("button", { name: "Camera on" }).click();
  await panel.getByRole("button", { name: "Join now" }).click();
  await expect(panel.getByTestId("in-call")).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole("button", { name: "Mute microphone" })).toBeVisible();
  return panel;
}

test("failed minutes say what failed to everyone; only the host may try again, and trying again writes them", async ({ browser, baseURL, double }) => {
  test.setTimeout(180_000);
  const alice = person("Alice", "Acme");
  const carol = person("Carol", "Acme");
  const [ctxA, ctxC] = await Promise.all([0, 1].map(() => browser.newContext({ baseURL, permissions: ["camera", "microphone"] })));
  const [a, c] = await Promise.all([ctxA!.newPage(), ctxC!.newPage()]);
  let standIn: http.Server | undefined;
  try {
    await signUp(a, alice);
    await signUp(c, carol);
    await a.getByRole("button", { name: "New document" }).click();
    await expect(a.getByTestId("connection-status")).toHaveText("Connected");
    const docUrl = a.url();
    await a.getByTestId("editor").click();
    await a.keyboard.type("Release plan");
    await a.getByRole("button", { name: "Share" }).click();
    const share = a.getByRole("dialog", { name: "Share" });
    await share.getByLabel("Email of the person to add").fill(carol.email);
    await share.getByLabel("Role for the person to add").selectOption("editor");
    await share.getByRole("button", { name: "Add", exact: true }).click();
    await expect(share.getByText("Carol can now edit this document.")).toBeVisible();
    await share.getByRole("button", { name: "Close sharing" }).click();
    await c.goto(docUrl);
    await expect(c.getByTestId("editor")).toContainText("Release plan");

    // A recorded meeting of two (Chromium's fake microphone beeps), ended by Alice.
    await a.getByTestId("meeting-button").click();
    await a.getByTestId("meeting-panel").getByRole("switch", { name: "Record and take minutes" }).click();
    await expect(a.getByTestId("meeting-panel").getByRole("switch", { name: "Record and take minutes" })).toHaveAttribute("aria-checked", "true");
    const panelA = await joinWithMicrophone(a);
    await c.getByTestId("meeting-card").getByRole("button", { name: /^Join/ }).click();
    await joinWithMicrophone(c);
    await expect(panelA.getByTestId("participant")).toHaveCount(2);
    // Both microphones are being recorded (a second of audio each) before the meeting ends.
    await expect
      .poll(() => [...double!.egress.recordedSeconds().values()].filter((s) => s >= 1).length, { timeout: 30_000, message: "two recordings with audio" })
      .toBe(2);
    await panelA.getByRole("button", { name: "End meeting for everyone" }).click();
    await panelA.getByRole("button", { name: "End for everyone" }).click();
    await panelA.getByRole("button", { name: "Close", exact: true }).click();

    // The transcription service is down: both pages say so; Carol, not the host, gets no "Try again".
    for (const p of [a, c]) await expect(p.getByTestId("meeting-card").getByTestId("minutes-status")).toHaveText(/^Minutes failed: .*transcription/i, { timeout: 60_000 });
    await expect(c.getByTestId("meeting-card").getByRole("button", { name: "Try the minutes again" })).toBeHidden();
    const retry = a.getByTestId("meeting-card").getByRole("button", { name: "Try the minutes again" });
    await expect(retry).toBeVisible();
    await snap(a, "36-minutes-failed-host-try-again");

    // It is back; Alice tries again: the minutes are written, and both pages see it without a reload.
    standIn = await startStandIn();
    await retry.click();
    for (const p of [a, c]) await expect(p.getByTestId("meeting-card").getByTestId("minutes-status")).toHaveText("Minutes are below", { timeout: 60_000 });
    await expect(c.getByTestId("editor").locator(".fold-body")).toContainText("We decided to ship the release on Monday.");
    await expect(c.getByTestId("editor")).toContainText("Decisions");
  } finally {
    await Promise.all([ctxA!.close(), ctxC!.close()]);
    await new Promise((r) => (standIn ? standIn.close(r) : r(undefined)));
  }
});
