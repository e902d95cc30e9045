import type { Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from "../chromium.ts";
import { test, expect, person, signUp, snap } from "./fixtures.ts";
import { startTranscriptionStandIn } from "./transcriptionStandIn.ts";

// The minutes as a person reads them: the transcript folded under its summary line, unfolded with the
// keyboard, its timestamps played by a click or by Enter in edit mode without the link card, at
// desktop and at phone width. One person records a short meeting; the server transcribes it with an
// OpenAI-compatible stand-in (TRANSCRIBE_URL) on a fixed port, known when the server starts.
const STAND_IN_PORT = 4651;
const SAID = "We decided to ship the release on Monday.";
test.use({
  livekit: true,
  serverEnv: { TRANSCRIBE_URL: `http://127.0.0.1:${STAND_IN_PORT}/v1` },
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS] },
});

const startStandIn = () => startTranscriptionStandIn(STAND_IN_PORT, { text: SAID, start: 1, end: 2.5 });

/** Presses Tab until `target` has the focus (at most `max` times). */
async function tabTo(page: Page, target: ReturnType<Page["locator"]>, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("the transcript is folded; the keyboard unfolds it and plays a timestamp; a click plays one without the link card; phone width", async ({ browser, baseURL, double }) => {
  test.setTimeout(150_000);
  const alice = person("Alice", "Acme");
  const ctx = await browser.newContext({ baseURL, permissions: ["camera", "microphone"] });
  const a = await ctx.newPage();
  const standIn = await startStandIn();
  try {
    await signUp(a, alice);
    await a.getByRole("button", { name: "New document" }).click();
    await expect(a.getByTestId("connection-status")).toHaveText("Connected");
    await a.getByTestId("editor").click();
    await a.keyboard.type("Release plan");

    // A recorded meeting of one, ended once the double has her microphone's audio.
    await a.getByTestId("meeting-button").click();
    const panel = a.getByTestId("meeting-panel");
    await panel.getByRole("switch", { name: "Record and take minutes" }).click();
    await expect(panel.getByRole("switch", { name: "Record and take minutes" })).toHaveAttribute("aria-checked", "true");
    await panel.getByRole("button", { name: "Camera on" }).click();
    await panel.getByRole("button", { name: "Join now" }).click();
    await expect(panel.getByTestId("in-call")).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => [...double!.egress.recordedSeconds().values()].some((s) => s >= 3), { timeout: 30_000, message: "a recording with audio" }).toBe(true);
    await panel.getByRole("button", { name: "End meeting for everyone" }).click();
    await panel.getByRole("button", { name: "End for everyone" }).click();
    await panel.getByRole("button", { name: "Close", exact: true }).click();
    await expect(a.getByTestId("meeting-card").getByTestId("minutes-status")).toHaveText("Minutes are below", { timeout: 60_000 });

    // Folded: the summary line shows, the lines do not.
    const editor = a.getByTestId("editor");
    const toggle = editor.getByRole("button", { name: /^Transcript · 1 line · \d+ min$/ });
    const line = editor.locator(".fold-body p").filter({ hasText: SAID });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(line).toBeHidden();
    await a.getByTestId("meeting-card").scrollIntoViewIfNeeded();
    await snap(a, "40-minutes-transcript-folded");

    // From the text, Tab reaches the disclosure button; Enter unfolds it.
    await editor.getByText("Release plan").click();
    await tabTo(a, toggle);
    await a.keyboard.press("Enter");
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(line).toBeVisible();
    await expect(line).toContainText("Alice:");

    // A click on the line's timestamp plays the recording from that moment, and no link card opens.
    const stamp = line.locator("a").first();
    const label = (await stamp.textContent())!;
    expect(await stamp.getAttribute("href")).toMatch(/\/api\/meetings\/[\w-]+\/recordings\/[\w.-]+\.ogg#t=\d+$/);
    const before = await editor.textContent();
    await stamp.click();
    const player = a.getByTestId("recording-player");
    await expect(player).toContainText(`Playing ${label} · Alice`);
    await expect(a.getByTestId("link-bubble")).toBeHidden();
    await expect
      .poll(() => a.getByTestId("recording-audio").evaluate((el: HTMLAudioElement) => el.currentSrc), { timeout: 15_000 })
      .toMatch(/\/recordings\/[\w.-]+\.ogg$/);
    await snap(a, "41-minutes-transcript-open-playing");
    await a.getByRole("button", { name: "Close the recording player" }).click();
    await expect(player).toBeHidden();

    // From the text, Tab goes past the disclosure button to the timestamp; Enter plays it, the text untouched.
    await editor.getByText("Release plan").click();
    await tabTo(a, stamp);
    await a.keyboard.press("Enter");
    await expect(player).toContainText(`Playing ${label} · Alice`);
    expect(await editor.textContent()).toBe(before);

    // Space folds it again (any person's folding is their own; see detailsView.test.ts).
    await toggle.focus();
    await a.keyboard.press(" ");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(line).toBeHidden();

    // At phone width: nothing sticks out sideways, folded or open, and the player's controls get the
    // whole width (its seek bar was a sliver beside the label).
    await a.setViewportSize({ width: 390, height: 844 });
    const overflow = () => a.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const centre = (el: ReturnType<Page["locator"]>) => el.evaluate((n) => n.scrollIntoView({ block: "center" }));
    await centre(a.getByTestId("meeting-card"));
    await snap(a, "42-phone-minutes-card");
    expect(await overflow()).toBe(0);
    await centre(toggle);
    await snap(a, "43-phone-transcript-folded");
    await toggle.click();
    await expect(line).toBeVisible();
    await centre(line);
    await snap(a, "44-phone-transcript-open-player");
    expect(await overflow()).toBe(0);
    for (const el of [player, a.getByTestId("meeting-card"), line]) {
      const box = (await el.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect((await a.getByTestId("recording-audio").boundingBox())!.width).toBeGreaterThanOrEqual(300);
    await expect(player).toContainText(`Playing ${label} · Alice`);
  } finally {
    await ctx.close();
    await new Promise((r) => standIn.close(r));
  }
});
