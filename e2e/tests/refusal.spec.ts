import type { Page } from "@playwright/test";
import { test, expect, person, signUp, snap } from "./fixtures.ts";
import { copyNames } from "./device.ts";

// The sync server refuses a socket it will not admit with an HTTP status in the upgrade (401, 403,
// 404); the browser then sees only a close 1006. These tests check that the page explains the
// refusal and stops reconnecting.

/** Whether the page's provider has stopped for good: not connecting and not going to. */
function providerStopped(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    // The document page's debug handle (window.__confer) holds its provider.
    const handle = (window as unknown as { __confer?: { provider: { shouldConnect: boolean; ws: unknown } } }).__confer;
    const p = handle?.provider;
    return !!p && p.shouldConnect === false && p.ws === null;
  });
}

test("a session that ended while the page was offline: the refused socket is explained as 'sign in', and retries stop", async ({ browser, server }) => {
  const ctx = await browser.newContext({ baseURL: server.url });
  const page = await ctx.newPage();
  await signUp(page, person("Hal", "Acme"));
  await page.getByRole("button", { name: "New document" }).click();
  await expect(page.getByTestId("connection-status")).toContainText("Connected");
  await page.getByTestId("editor").click();
  await page.keyboard.type("Written before the session ended.");

  // The page goes offline; meanwhile the session ends on the server (expiry, or a sign-out on
  // another device). Back online, the server refuses the upgrade with 401.
  await ctx.setOffline(true);
  await expect(page.getByTestId("connection-status")).toContainText(/offline/i);
  const out = await ctx.request.post("/api/auth/logout", { headers: { Origin: server.url } });
  expect(out.status()).toBe(200);
  await ctx.setOffline(false);

  await expect(page.getByText("Please sign in to open this document.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", /^\/login\?next=%2Fd%2F/);
  await expect(page.getByTestId("connection-status")).toHaveText("Signed out");
  await expect.poll(() => providerStopped(page)).toBe(true);
  // The copy stays on this device: it may hold edits that sync once the person signs in again.
  expect(await copyNames(page)).toHaveLength(1);
  await snap(page, "25-refused-signed-out");
  await ctx.close();
});

test("removed from a document while offline: back online, the refused socket is explained, retries stop and the copy is forgotten", async ({
  browser,
  server,
}) => {
  const company = `Gate ${Date.now()}`;
  const iris = person("Iris", company);
  const jack = person("Jack", company);
  const ctxI = await browser.newContext({ baseURL: server.url });
  const ctxJ = await browser.newContext({ baseURL: server.url });
  const i = await ctxI.newPage();
  const j = await ctxJ.newPage();
  await signUp(i, iris);
  await signUp(j, jack);
  await i.getByRole("button", { name: "New document" }).click();
  await expect(i.getByTestId("connection-status")).toContainText("Connected");
  await i.getByTestId("editor").click();
  await i.keyboard.type("Shared with Jack for a while.");
  await i.getByRole("button", { name: "Share" }).click();
  const panel = i.getByRole("dialog", { name: "Share" });
  await panel.getByLabel("Email of the person to add").fill(jack.email);
  await panel.getByRole("button", { name: "Add", exact: true }).click();
  await expect(panel.getByTestId("member").filter({ hasText: "Jack" })).toBeVisible();

  // Jack opens it once; his device keeps a copy. Then he goes offline and Iris removes him.
  await j.goto(i.url());
  await expect(j.getByTestId("editor")).toContainText("Shared with Jack for a while.");
  await expect(j.getByTestId("connection-status")).toContainText("Connected");
  await expect.poll(async () => (await copyNames(j)).length).toBe(1);
  await ctxJ.setOffline(true);
  await expect(j.getByTestId("connection-status")).toContainText(/offline/i);
  await panel.getByRole("button", { name: "Remove Jack" }).click();
  await expect(panel.getByTestId("member").filter({ hasText: "Jack" })).toHaveCount(0);

  // Offline, his copy still opens. Back online, the server refuses the socket before upgrading.
  await j.reload();
  await expect(j.getByTestId("editor")).toContainText("Shared with Jack for a while.");
  await ctxJ.setOffline(false);
  await expect(j.getByText("This document does not exist or was deleted.")).toBeVisible();
  await expect(j.getByRole("link", { name: "Back to documents" })).toBeVisible();
  await expect(j.getByTestId("connection-status")).toHaveText("Deleted");
  await expect(j.getByTestId("editor")).toHaveAttribute("contenteditable", "false");
  await expect.poll(() => providerStopped(j)).toBe(true);
  await expect.poll(() => copyNames(j)).toEqual([]);
  await snap(j, "26-refused-removed");
  await ctxI.close();
  await ctxJ.close();
});
