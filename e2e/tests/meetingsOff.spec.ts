import { test, expect, person, signUp, snap } from "./fixtures.ts";

// The default e2e server has no LiveKit settings: meetings are off, and the page says why.
test("without LiveKit settings the meeting button stays, greyed, and names what an administrator must set", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signUp(page, person("Olga", "Acme"));
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("connection-status")).toHaveText("Connected");
  const button = page.getByTestId("meeting-button");
  await expect(button).toHaveText("Start meeting");
  await expect(button).toHaveAccessibleDescription(/needs to set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET/);
  await expect(button).toHaveAttribute("title", /LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET/);
  await button.click();
  await expect(page.getByTestId("meeting-problem")).toHaveText(
    "Meetings are not set up on this server. An administrator needs to set LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET (see the README's Meetings section).",
  );
  // The shortcut in the text says the same, and no card is written into the document.
  await page.getByTestId("editor").click();
  await page.keyboard.press("Control+Alt+m");
  await expect(page.getByTestId("editor").getByTestId("meeting-card")).toHaveCount(0);
  await expect(page.getByTestId("meeting-panel")).toHaveCount(0);
  await snap(page, "27-meetings-not-configured");
  await ctx.close();
});
