import type { Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from "../chromium.ts";
import { test, expect, person, signUp, snap } from "./fixtures.ts";

// Meetings run against the LiveKit test double (testing/livekit-double): the real livekit-client in
// each page connects to it with Chromium's fake camera and microphone; the double signs webhooks to
// the server as LiveKit does. It forwards no media between people, so remote tiles show avatars.
test.use({ livekit: true, launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS] } });

const LINES = 40;

/** Lets the page see where the last key moved the cursor (Chromium runs input ahead of selectionchange). */
const settle = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));

async function joinAsGuest(page: Page, who: ReturnType<typeof person>): Promise<void> {
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByLabel("Company").fill(who.company);
  await page.getByRole("button", { name: "Join as guest" }).click();
}

/** Presses "Join now" in the pre-join step of `page`'s meeting panel and waits to be in the meeting. */
async function joinNow(page: Page, opts: { camera?: boolean } = {}) {
  const panel = page.getByTestId("meeting-panel");
  await expect(panel.getByTestId("prejoin")).toBeVisible();
  if (opts.camera === false) await panel.getByRole("button", { name: "Camera on" }).click();
  await panel.getByRole("button", { name: "Join now" }).click();
  await expect(panel.getByTestId("in-call")).toBeVisible({ timeout: 30_000 });
  return panel;
}

test("a meeting starts from the document: live for everyone, guests marked, hosts moderate, membership rules it, presenting is followed", async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const alice = person("Alice", "Acme");
  const carol = person("Carol", "Acme");
  const bob = person("Bob", "Globex");
  const [ctxA, ctxB, ctxC] = await Promise.all([0, 1, 2].map(() => browser.newContext({ baseURL, permissions: ["camera", "microphone"] })));
  const [a, b, c] = await Promise.all([ctxA!.newPage(), ctxB!.newPage(), ctxC!.newPage()]);

  // Alice writes a long document; Carol, a colleague, is added as an editor; Bob from Globex joins through a link.
  await signUp(a, alice);
  await signUp(c, carol);
  await a.getByRole("button", { name: "New document" }).click();
  await expect(a).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  const docUrl = a.url();
  await expect(a.getByTestId("connection-status")).toHaveText("Connected");
  await a.getByLabel("Document title").fill("Weekly sync");
  await a.getByLabel("Document title").press("Enter");
  await expect(a).toHaveTitle("Weekly sync — Confer");
  const editorA = a.getByTestId("editor");
  await editorA.click();
  await a.keyboard.type("Agenda");
  for (let i = 1; i <= LINES; i++) {
    await a.keyboard.press("Enter");
    await a.keyboard.type(`Point ${i}`);
  }
  await a.getByRole("button", { name: "Share" }).click();
  const share = a.getByRole("dialog", { name: "Share" });
  await share.getByLabel("Email of the person to add").fill(carol.email);
  await share.getByLabel("Role for the person to add").selectOption("editor");
  await share.getByRole("button", { name: "Add", exact: true }).click();
  await expect(share.getByText("Carol can now edit this document.")).toBeVisible();
  await share.getByLabel("Link gives").selectOption("editor");
  await share.getByRole("button", { name: "Create link" }).click();
  const link = await share.getByLabel("Invite link").inputValue();
  await share.getByRole("button", { name: "Close sharing" }).click();
  await b.goto(link);
  await joinAsGuest(b, bob);
  await expect(b).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await expect(b.getByTestId("editor")).toContainText(`Point ${LINES}`);
  await c.goto(docUrl);
  await expect(c.getByTestId("editor")).toContainText(`Point ${LINES}`);

  // The shortcut is listed in the help; pressed after "Agenda", it starts a meeting and puts its card there.
  await a.getByRole("button", { name: "Keyboard shortcuts" }).click();
  await expect(a.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText("Start a meeting here, or join the live one");
  await a.getByRole("dialog", { name: "Keyboard shortcuts" }).getByRole("button", { name: "Close" }).click();
  await expect(a.getByTestId("meeting-button")).toHaveText("Start meeting");
  await editorA.locator("p").first().click();
  await a.keyboard.press("End");
  await settle(a);
  await a.keyboard.press("Control+Alt+m");
  const cardA = editorA.getByTestId("meeting-card");
  await expect(cardA.getByTestId("meeting-card-status")).toHaveText("Live · nobody has joined yet");
  const order = await editorA.evaluate((el) => [...el.children].slice(0, 3).map((n) => (n as HTMLElement).dataset.testid ?? n.textContent));
  expect(order).toEqual(["Agenda", "meeting-card", "Point 1"]);
  await expect(a.getByTestId("meeting-button")).toHaveText("Join meeting");

  // The pre-join step: camera preview, microphone level, device choice.
  const panelA = a.getByTestId("meeting-panel");
  await expect(panelA.getByTestId("camera-preview")).toBeVisible();
  await expect(panelA.getByTestId("level-meter")).toBeVisible();
  await expect(panelA.getByRole("combobox", { name: "Microphone" })).toBeVisible();
  await expect(panelA.getByRole("combobox", { name: "Camera" })).toBeVisible();
  await snap(a, "20-meeting-prejoin");

  // Everyone with the document open sees it go live, without a reload.
  const banner = b.getByTestId("meeting-banner");
  await expect(banner).toContainText("Alice started a meeting · Join");
  const cardB = b.getByTestId("meeting-card");
  await expect(cardB.getByTestId("meeting-card-status")).toHaveText("Live · nobody has joined yet");
  await expect(c.getByTestId("meeting-banner")).toContainText("Alice started a meeting");

  // Alice joins; the cards count her. Bob joins from the banner.
  await joinNow(a);
  await expect(cardB.getByTestId("meeting-card-status")).toHaveText("Live · 1 person");
  await banner.getByRole("button", { name: "Join", exact: true }).click();
  const panelB = await joinNow(b);

  // Both see both, Bob marked external with his company, Alice as host; a tile each.
  const peopleA = panelA.getByTestId("participant");
  await expect(peopleA).toHaveCount(2);
  await expect(peopleA.filter({ hasText: "Bob" })).toContainText("external · Globex");
  await expect(peopleA.filter({ hasText: "Alice" })).not.toContainText("external");
  await expect(panelB.getByTestId("participant").filter({ hasText: "Bob" })).toContainText("external · Globex");
  await expect(panelB.getByTestId("participant").filter({ hasText: "Alice" })).toContainText("host");
  await expect(panelA.getByTestId("tile")).toHaveCount(2);
  await expect(panelB.getByTestId("tile")).toHaveCount(2);
  await expect(cardA.getByTestId("meeting-card-status")).toHaveText("Live · 2 people");
  // In the meeting, the top bar says so instead of offering to join again.
  await expect(a.getByTestId("meeting-button")).toHaveText("In meeting");
  await expect(b.getByTestId("meeting-button")).toHaveText("In meeting");
  // Guests get no host controls.
  await expect(panelB.getByRole("button", { name: /^Mute Alice/ })).toHaveCount(0);
  await expect(panelB.getByRole("button", { name: "End meeting for everyone" })).toHaveCount(0);
  await snap(a, "21-meeting-panel-two-people");
  await snap(b, "21-meeting-panel-two-people-guest");

  // The host mutes Bob, through the server: his page says so.
  await panelA.getByRole("button", { name: "Mute Bob" }).click();
  await expect(panelB.getByText("A host muted your microphone.")).toBeVisible();
  await expect(panelB.getByRole("button", { name: "Unmute microphone" })).toBeVisible();

  // Alice presents: Bob's view follows her to the end of the document, and shows her selection.
  await panelA.getByRole("button", { name: "Present the document" }).click();
  await expect(a.getByTestId("follow-bar")).toContainText("You are presenting");
  await expect(b.getByTestId("follow-bar")).toHaveText("Following Alice · Stop");
  await a.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(b.getByTestId("editor").getByText(`Point ${LINES}`, { exact: true })).toBeInViewport();
  await expect(b.getByTestId("editor").getByText("Agenda", { exact: true })).not.toBeInViewport();
  await editorA.getByText(`Point ${LINES - 2}`, { exact: true }).click();
  await a.keyboard.press("End");
  await settle(a);
  await a.keyboard.press("Shift+Home");
  await expect(b.locator(".presenter-selection")).toHaveText(`Point ${LINES - 2}`);
  await snap(b, "22-meeting-following-presenter");
  // Bob scrolls himself: he stops following, and may follow again.
  await b.mouse.move(400, 400);
  await b.mouse.wheel(0, -800);
  await expect(b.getByTestId("follow-bar")).toHaveText("Alice is presenting · Follow");
  await a.getByTestId("follow-bar").getByRole("button", { name: "Stop presenting" }).click();
  await expect(b.getByTestId("follow-bar")).toHaveCount(0);

  // Carol joins with her camera off (an avatar tile); the host removes her from the meeting.
  await c.getByTestId("meeting-card").getByRole("button", { name: /^Join/ }).click();
  const panelC = await joinNow(c, { camera: false });
  await expect(peopleA).toHaveCount(3);
  await panelA.getByRole("button", { name: "Remove Carol from the meeting" }).click();
  await expect(panelC.getByRole("alert")).toHaveText("A host removed you from the meeting.");
  await expect(peopleA).toHaveCount(2);

  // Alice removes Bob from the document: he is taken out of the meeting, and told why.
  await a.getByRole("button", { name: "Share", exact: true }).click();
  await share.getByRole("button", { name: "Remove Bob" }).click();
  await expect(panelB.getByRole("alert")).toHaveText("You were taken out of the meeting because you no longer have access to this document.");
  await expect(b.getByTestId("doc-notice")).toContainText("You no longer have access to this document");
  await expect(panelB.getByRole("button", { name: /Try again|Rejoin/ })).toHaveCount(0);
  await expect(peopleA).toHaveCount(1);
  await snap(b, "23-meeting-removed-from-document");
  await share.getByRole("button", { name: "Close sharing" }).click();

  // On a phone the top bar keeps the title clear of the buttons; the panel sits below the text.
  await a.setViewportSize({ width: 390, height: 800 });
  await a.evaluate(() => window.scrollTo(0, 0));
  const title = (await a.getByLabel("Document title").boundingBox())!;
  const button = (await a.getByTestId("meeting-button").boundingBox())!;
  expect(title.x + title.width).toBeLessThanOrEqual(button.x);
  await snap(a, "24-meeting-phone-in-call");
  await a.setViewportSize({ width: 1280, height: 800 });

  // Alice ends it for everyone: the cards say "Ended" with how long and how many, and nobody can join.
  await panelA.getByRole("button", { name: "End meeting for everyone" }).click();
  await panelA.getByRole("button", { name: "End for everyone" }).click();
  await expect(panelA.getByRole("alert")).toHaveText("This meeting has ended.");
  await expect(cardA.getByTestId("meeting-card-status")).toHaveText(/^Ended · (under a minute|\d+ min) · 3 people$/);
  const cardC = c.getByTestId("meeting-card");
  await expect(cardC.getByTestId("meeting-card-status")).toHaveText(/^Ended · (under a minute|\d+ min) · 3 people$/);
  await expect(cardC.getByRole("button", { name: /^Join/ })).toBeHidden();
  await expect(c.getByTestId("meeting-banner")).toHaveCount(0);
  await expect(c.getByTestId("meeting-button")).toHaveText("Start meeting");
  await panelA.getByRole("button", { name: "Close", exact: true }).click();
  await a.evaluate(() => window.scrollTo(0, 0));
  await snap(a, "25-meeting-ended-card");
  await a.setViewportSize({ width: 390, height: 800 });
  await snap(a, "26-meeting-ended-card-phone");

  await Promise.all([ctxA!.close(), ctxB!.close(), ctxC!.close()]);
});
